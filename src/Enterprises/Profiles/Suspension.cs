using Marketplace.BuildingBlocks.Time;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Enterprises.Profiles;

/// <summary>
/// An officer suspends a firm from applying (e.g. listed as 失信, or a breach in an earlier project) up to a day, with a
/// reason; or lifts the suspension. Eligibility and matching read it; the index is refreshed through the outbox.
/// </summary>
public sealed class Suspension(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public async Task<Result<bool>> SuspendAsync(Guid enterpriseId, DateOnly? until, string? reason, Guid officerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = BeijingCalendar.DateOf(now);
        var errors = new List<Error>();
        if (until is null || until < today) errors.Add(Error.Invalid("suspension_until", "暂停截止日期应不早于今天", "Until"));
        if (until > today.AddYears(10)) errors.Add(Error.Invalid("suspension_until", "暂停期最长 10 年", "Until"));
        if (reason?.Trim().Length is not (>= 2 and <= 500)) errors.Add(Error.Invalid("suspension_reason", "请填写暂停原因（2–500 字）", "Reason"));
        if (errors.Count > 0) return Result<bool>.Fail(errors);
        return await SetAsync(enterpriseId, until, reason!.Trim(), officerId, now, ct);
    }

    public Task<Result<bool>> LiftAsync(Guid enterpriseId, Guid officerId, CancellationToken ct) =>
        SetAsync(enterpriseId, null, null, officerId, clock.GetUtcNow(), ct);

    private async Task<Result<bool>> SetAsync(Guid enterpriseId, DateOnly? until, string? reason, Guid officerId, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var before = await conn.QuerySingleOrDefaultAsync<(DateTime? Until, string? Reason)?>(new CommandDefinition("""
            select suspended_until, suspended_reason from enterprises.enterprises where id = @enterpriseId for update
            """, new { enterpriseId }, tx, cancellationToken: ct));
        if (before is null) return Error.NotFound("enterprise_not_found", "企业不存在");
        await conn.ExecuteAsync(new CommandDefinition("""
            update enterprises.enterprises set suspended_until = @until, suspended_reason = @reason, updated_at = @now where id = @enterpriseId
            """, new { enterpriseId, until = until?.ToDateTime(TimeOnly.MinValue), reason, now }, tx, cancellationToken: ct));
        await OutboxWriter.EnqueueAsync(conn, tx, EnterpriseEvents.ProfileChangedV1,
            $"{EnterpriseEvents.ProfileChangedV1}:{enterpriseId}:{now.UtcTicks}", new ProfileChanged(enterpriseId, now), now, ct);
        await AuditLog.AppendAsync(conn, tx, officerId, until is null ? "enterprise.suspension_lifted" : "enterprise.suspended", "enterprise",
            enterpriseId.ToString(), new { SuspendedUntil = before.Value.Until, SuspendedReason = before.Value.Reason },
            new { SuspendedUntil = until, SuspendedReason = reason }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return true;
    }
}
