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
public sealed class ApplicationReceipt(UserStore users, ScenarioStore scenarios, EnterpriseStore enterprises, SiteLinks links, TimeProvider clock,
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

        var submittedAt = e.SubmittedAt ?? clock.GetUtcNow();
        await OutboxEnqueue.EmailAsync(connection, transaction,
            Render(message.DedupeKey, user, scenario, firm.Name, Reference(scenario, e.ApplicationId, submittedAt), submittedAt,
                links.Absolute($"/firm/applications")), clock.GetUtcNow(), ct);
    }

    /// <summary>
    /// The receipt number a firm quotes when it calls the department: the scenario's code, the Beijing minute of this
    /// submission and the application's last four hex digits (random in a version-7 id), e.g. <c>SC-2026-001-202612051530-8F3A</c>.
    /// </summary>
    public static string Reference(Scenario scenario, Guid applicationId, DateTimeOffset submittedAt) =>
        $"{scenario.Code}-{Marketplace.BuildingBlocks.Time.BeijingCalendar.LocalTime(submittedAt):yyyyMMddHHmm}-{applicationId.ToString("N")[^4..].ToUpperInvariant()}";

    internal static EmailMessage Render(string eventKey, UserAccount to, Scenario scenario, string firmName, string reference, DateTimeOffset submittedAt, string link) =>
        EmailTemplates.Render("application-received", new Dictionary<string, object?>
        {
            ["name"] = to.DisplayName, ["firm"] = firmName, ["title"] = scenario.Title, ["code"] = scenario.Code,
            ["deadline"] = EmailTemplates.Time(scenario.ClosesAt), ["reference"] = reference, ["submitted"] = EmailTemplates.Time(submittedAt),
            ["link"] = link,
        }, $"{eventKey}:{to.Email.ToLowerInvariant()}", to.Email);
}
