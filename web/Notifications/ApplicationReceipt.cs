using Marketplace.Flows.Indexing;
using System.Net;
using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Accounts;
using Marketplace.Web.Search;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>
/// After a firm applies: a receipt to the person who submitted (Chinese with English), and the firm's index entry
/// refreshed so its new track record counts in matching.
/// </summary>
public sealed class ApplicationReceipt(
    UserStore users, ScenarioStore scenarios, EnterpriseStore enterprises, SearchIndexer indexer, TimeProvider clock,
    ILogger<ApplicationReceipt> logger) : IOutboxHandler
{
    public string Type => ScenarioEvents.ApplicationSubmittedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ApplicationSubmitted>(message.Payload, OutboxWriter.Json)!;
        await indexer.IndexEnterpriseAsync(e.EnterpriseId, ct);
        var user = await users.GetAsync(e.SubmittedBy, ct);
        if (user is null)
        {
            // Nobody to tell (the account is gone): retrying would not change that.
            logger.LogWarning("No receipt for application {Application}: user {User} not found", e.ApplicationId, e.SubmittedBy);
            return;
        }
        var scenario = await scenarios.GetAsync(e.ScenarioId, ct) ?? throw new InvalidOperationException($"Scenario {e.ScenarioId} not found.");
        var firm = await enterprises.GetAsync(e.EnterpriseId, ct) ?? throw new InvalidOperationException($"Enterprise {e.EnterpriseId} not found.");

        await OutboxEnqueue.EmailAsync(connection, transaction, Render(message.DedupeKey, user, scenario, firm.Name), clock.GetUtcNow(), ct);
    }

    internal static EmailMessage Render(string eventKey, UserAccount to, Scenario scenario, string firmName) =>
        EmailTemplates.Render("application-received", new Dictionary<string, object?>
        {
            ["name"] = to.DisplayName, ["firm"] = firmName, ["title"] = scenario.Title, ["code"] = scenario.Code,
            ["deadline"] = Marketplace.Web.Listings.Labels.Time(scenario.ClosesAt),
        }, $"{eventKey}:{to.Email.ToLowerInvariant()}", to.Email);
}
