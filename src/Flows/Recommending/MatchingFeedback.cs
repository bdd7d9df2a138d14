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
    /// Records the invitation (the firm sees it in the app, on “我的申报”) and writes one email per person of the firm
    /// (its members and its contact address) into the outbox in the same transaction; inviting the same firm twice
    /// changes nothing. The outcome names every address that got no email and why, so the page never claims a send
    /// that did not happen.
    /// </summary>
    public async Task<Result<InvitationOutcome>> InviteAsync(Scenario scenario, EnterpriseProfile firm, IReadOnlyList<string> reasons, Guid officerId, CancellationToken ct)
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
        var heldBack = new List<HeldBackRecipient>();
        if (recipients.Count == 0) heldBack.Add(new HeldBackRecipient(null, "no_contact", "该企业没有成员账号，也未填写联系邮箱"));
        foreach (var to in recipients)
        {
            // Invitations are not essential: people who turned them off get none, and they count against the daily cap.
            var delivery = await mailer.OptionalAsync(conn, tx, "invitation", "invitation", InvitationEmail.Model(scenario, firm.Name, reasons, links.Scenario(scenario.Id)),
                InvitationEmail.DedupeKey(scenario, to), to, ct);
            if (delivery == Delivery.Queued) sent++;
            else heldBack.Add(delivery switch
            {
                Delivery.TurnedOff => new HeldBackRecipient(to, "turned_off", "本人已在邮件偏好中关闭“揭榜邀请”"),
                Delivery.OverCap => new HeldBackRecipient(to, "daily_cap", "已达当日非必要邮件上限"),
                _ => new HeldBackRecipient(to, "duplicate", "此前已收到本场景的邀请邮件"),
            });
        }
        await tx.CommitAsync(ct);
        await priors.RefreshAsync(ct);
        return new InvitationOutcome(sent, heldBack);
    }
}

/// <summary>An address of an invited firm that got no email, with the reason (<c>Address</c> is null when the firm has none).</summary>
public sealed record HeldBackRecipient(string? Address, string Code, string Reason);

/// <summary>What an invitation did: emails queued, and who was held back and why (the page words it in the reader's language).</summary>
public sealed record InvitationOutcome(int Sent, IReadOnlyList<HeldBackRecipient> HeldBack);
