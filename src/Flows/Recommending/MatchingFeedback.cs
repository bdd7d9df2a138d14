using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Listings;
using Npgsql;
using Marketplace.Matching.Feedback;
using Marketplace.Notifications.Email;
using Marketplace.Flows.Notices;

namespace Marketplace.Flows.Recommending;

/// <summary>What people tell the matcher: firms dismiss scenarios, officers invite firms.</summary>
public sealed class MatchingFeedback(NpgsqlDataSource db, MatchingFeedbackStore store, Marketplace.Accounts.Users.UserStore users, Mailer mailer, SiteLinks links, TimeProvider clock,
    FeedbackPriors priors)
{
    public async Task DismissAsync(Guid enterpriseId, Guid scenarioId, Guid userId, CancellationToken ct)
    {
        await store.DismissAsync(enterpriseId, scenarioId, userId, clock.GetUtcNow(), ct);
        await priors.RefreshAsync(ct);
    }

    public Task<IReadOnlySet<Guid>> DismissedScenariosAsync(Guid enterpriseId, CancellationToken ct) => store.DismissedScenariosAsync(enterpriseId, ct);

    public Task<IReadOnlySet<Guid>> FirmsThatDismissedAsync(Guid scenarioId, CancellationToken ct) => store.FirmsThatDismissedAsync(scenarioId, ct);

    public Task<IReadOnlySet<Guid>> InvitedFirmsAsync(Guid scenarioId, CancellationToken ct) => store.InvitedFirmsAsync(scenarioId, ct);

    /// <summary>
    /// Records the invitation and writes one email per person of the firm (its members and its contact address) into
    /// the outbox in the same transaction; inviting the same firm twice changes nothing.
    /// </summary>
    public async Task<Result<int>> InviteAsync(Scenario scenario, EnterpriseProfile firm, IReadOnlyList<string> reasons, Guid officerId, CancellationToken ct)
    {
        if (!scenario.IsPublic || scenario.Status != ScenarioStatus.Published)
            return Error.Conflict("scenario_not_open", "只能邀请企业参加正在张榜的场景");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await MatchingFeedbackStore.RecordInvitationAsync(conn, tx, scenario.Id, firm.Id, officerId, reasons, now, ct)) return Error.Conflict("already_invited", "已邀请过该企业");

        var recipients = (await users.ListMembersAsync(firm.Id, ct)).Select(u => u.Email)
            .Append(firm.ContactEmail).OfType<string>().Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0).Distinct().ToList();
        var sent = 0;
        foreach (var to in recipients)
        {
            // Invitations are not essential: people who turned them off get none, and they count against the daily cap.
            if (await mailer.OptionalAsync(conn, tx, "invitation", "invitation", InvitationEmail.Model(scenario, firm.Name, reasons, links.Scenario(scenario.Id)),
                    InvitationEmail.DedupeKey(scenario, to), to, ct) == Delivery.Queued)
                sent++;
        }
        await tx.CommitAsync(ct);
        await priors.RefreshAsync(ct);
        return sent;
    }
}
