using System.Text.Json;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Notifications.Email;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Flows.Notices;

/// <summary>The receipt for a withdrawal, to the person who withdrew.</summary>
public sealed class WithdrawalReceipt(UserStore users, ScenarioStore scenarios, TimeProvider clock) : IOutboxHandler
{
    public string Type => ScenarioEvents.ApplicationWithdrawnV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ApplicationWithdrawn>(message.Payload, OutboxWriter.Json)!;
        var user = await users.GetAsync(e.WithdrawnBy, ct) ?? throw new InvalidOperationException($"User {e.WithdrawnBy} not found.");
        var scenario = await scenarios.GetAsync(e.ScenarioId, ct) ?? throw new InvalidOperationException($"Scenario {e.ScenarioId} not found.");
        await OutboxEnqueue.EmailAsync(connection, transaction, EmailTemplates.Render("application-withdrawn", new Dictionary<string, object?>
        {
            ["name"] = user.DisplayName, ["title"] = scenario.Title, ["code"] = scenario.Code, ["deadline"] = EmailTemplates.Time(scenario.ClosesAt),
        }, $"{message.DedupeKey}:{user.Email.ToLowerInvariant()}", user.Email), clock.GetUtcNow(), ct);
    }
}

/// <summary>Changed terms: every applicant is told what changed and asked to confirm again before the deadline.</summary>
public sealed class TermsChangedNotice(UserStore users, ScenarioStore scenarios, SiteLinks links, TimeProvider clock) : IOutboxHandler
{
    public string Type => ScenarioEvents.TermsChangedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<TermsChanged>(message.Payload, OutboxWriter.Json)!;
        var scenario = await scenarios.GetAsync(e.ScenarioId, ct) ?? throw new InvalidOperationException($"Scenario {e.ScenarioId} not found.");
        foreach (var userId in e.ApplicantUserIds)
        {
            if (await users.GetAsync(userId, ct) is not { } user) continue;
            await OutboxEnqueue.EmailAsync(connection, transaction, EmailTemplates.Render("terms-changed", new Dictionary<string, object?>
            {
                ["name"] = user.DisplayName, ["title"] = scenario.Title, ["code"] = scenario.Code, ["note"] = e.Note,
                ["deadline"] = EmailTemplates.Time(scenario.ClosesAt), ["link"] = links.Scenario(scenario.Id),
            }, $"{message.DedupeKey}:{user.Email.ToLowerInvariant()}", user.Email), clock.GetUtcNow(), ct);
        }
    }
}
