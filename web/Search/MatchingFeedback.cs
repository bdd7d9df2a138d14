using Dapper;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Listings;
using Npgsql;
using Marketplace.Notifications.Email;
using Marketplace.Flows.Notices;

namespace Marketplace.Web.Search;

/// <summary>What people tell the matcher: firms dismiss scenarios, officers invite firms.</summary>
public sealed class MatchingFeedback(NpgsqlDataSource db, Mailer mailer, SiteLinks links, TimeProvider clock)
{
    public async Task DismissAsync(Guid enterpriseId, Guid scenarioId, Guid userId, CancellationToken ct)
    {
        const string sql = """
            insert into matching.dismissals (enterprise_id, scenario_id, dismissed_by, dismissed_at)
            values (@enterpriseId, @scenarioId, @userId, @now)
            on conflict do nothing
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { enterpriseId, scenarioId, userId, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<IReadOnlySet<Guid>> DismissedScenariosAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var ids = await conn.QueryAsync<Guid>(new CommandDefinition(
            "select scenario_id from matching.dismissals where enterprise_id = @enterpriseId", new { enterpriseId }, cancellationToken: ct));
        return ids.ToHashSet();
    }

    public async Task<IReadOnlySet<Guid>> FirmsThatDismissedAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var ids = await conn.QueryAsync<Guid>(new CommandDefinition(
            "select enterprise_id from matching.dismissals where scenario_id = @scenarioId", new { scenarioId }, cancellationToken: ct));
        return ids.ToHashSet();
    }

    public async Task<IReadOnlySet<Guid>> InvitedFirmsAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var ids = await conn.QueryAsync<Guid>(new CommandDefinition(
            "select enterprise_id from matching.invitations where scenario_id = @scenarioId", new { scenarioId }, cancellationToken: ct));
        return ids.ToHashSet();
    }

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
        var recorded = await conn.ExecuteAsync(new CommandDefinition("""
            insert into matching.invitations (scenario_id, enterprise_id, invited_by, invited_at, reasons)
            values (@scenarioId, @enterpriseId, @officerId, @now, @reasons)
            on conflict do nothing
            """, new { scenarioId = scenario.Id, enterpriseId = firm.Id, officerId, now, reasons = reasons.ToArray() }, tx, cancellationToken: ct));
        if (recorded == 0) return Error.Conflict("already_invited", "已邀请过该企业");

        var recipients = (await conn.QueryAsync<string>(new CommandDefinition(
                "select email from accounts.users where enterprise_id = @id", new { id = firm.Id }, tx, cancellationToken: ct)))
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
        return sent;
    }
}
