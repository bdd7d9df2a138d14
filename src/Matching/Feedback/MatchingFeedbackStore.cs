using Dapper;
using Npgsql;

namespace Marketplace.Matching.Feedback;

/// <summary>What people tell the matcher: firms dismiss scenarios ("not relevant"), officers and the platform invite firms.</summary>
public sealed class MatchingFeedbackStore(NpgsqlDataSource db)
{
    public async Task DismissAsync(Guid enterpriseId, Guid scenarioId, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into matching.dismissals (enterprise_id, scenario_id, dismissed_by, dismissed_at)
            values (@enterpriseId, @scenarioId, @userId, @now)
            on conflict do nothing
            """, new { enterpriseId, scenarioId, userId, now }, cancellationToken: ct));
    }

    public async Task<IReadOnlySet<Guid>> DismissedScenariosAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition(
            "select scenario_id from matching.dismissals where enterprise_id = @enterpriseId", new { enterpriseId }, cancellationToken: ct))).ToHashSet();
    }

    public async Task<IReadOnlySet<Guid>> FirmsThatDismissedAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition(
            "select enterprise_id from matching.dismissals where scenario_id = @scenarioId", new { scenarioId }, cancellationToken: ct))).ToHashSet();
    }

    public async Task<IReadOnlySet<Guid>> InvitedFirmsAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition(
            "select enterprise_id from matching.invitations where scenario_id = @scenarioId", new { scenarioId }, cancellationToken: ct))).ToHashSet();
    }

    /// <summary>Invitations a firm received, newest first, with the reasons it was told.</summary>
    public async Task<IReadOnlyList<ReceivedInvitation>> InvitationsReceivedAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ReceivedInvitation>(new CommandDefinition("""
            select scenario_id, invited_at, reasons from matching.invitations where enterprise_id = @enterpriseId order by invited_at desc limit 500
            """, new { enterpriseId }, cancellationToken: ct))).ToList();
    }

    /// <summary>Records an invitation inside the caller's transaction (with its emails); false when the firm was invited before.</summary>
    public static async Task<bool> RecordInvitationAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid scenarioId, Guid enterpriseId,
        Guid invitedBy, IReadOnlyList<string> reasons, DateTimeOffset now, CancellationToken ct) =>
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into matching.invitations (scenario_id, enterprise_id, invited_by, invited_at, reasons)
            values (@scenarioId, @enterpriseId, @invitedBy, @now, @reasons)
            on conflict do nothing
            """, new { scenarioId, enterpriseId, invitedBy, now, reasons = reasons.ToArray() }, tx, cancellationToken: ct)) == 1;
}

/// <summary>An invitation to apply, as the invited firm sees it.</summary>
public sealed record ReceivedInvitation
{
    public Guid ScenarioId { get; init; }
    public DateTimeOffset InvitedAt { get; init; }
    public string[] Reasons { get; init; } = [];
}
