using System.Text.Json;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Notifications.Email;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Listings;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.Flows.Notices;

/// <summary>
/// After a firm applies: a receipt to the person who submitted (Chinese with English). The outbox handler of
/// <see cref="ScenarioEvents.ApplicationSubmittedV1"/> also refreshes the firm's index entry; it calls this.
/// </summary>
public sealed class ApplicationReceipt(UserStore users, ScenarioStore scenarios, EnterpriseStore enterprises, TimeProvider clock,
    ILogger<ApplicationReceipt> logger)
{
    public async Task SendAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ApplicationSubmitted>(message.Payload, OutboxWriter.Json)!;
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
            ["deadline"] = EmailTemplates.Time(scenario.ClosesAt),
        }, $"{eventKey}:{to.Email.ToLowerInvariant()}", to.Email);
}
