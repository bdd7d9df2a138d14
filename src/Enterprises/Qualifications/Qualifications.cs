using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Npgsql;

namespace Marketplace.Enterprises.Qualifications;

public sealed record QualificationRecord
{
    public Guid Id { get; init; }
    public Guid EnterpriseId { get; init; }
    public string EnterpriseName { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Evidence { get; init; } = "";
    public DateTime? ExpiresOn { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset DeclaredAt { get; init; }
    public string? RejectReason { get; init; }
}

public sealed record DeclareQualificationCommand(string? Kind, string? Evidence, DateOnly? ExpiresOn);

/// <summary>
/// Qualifications (高新技术企业, 专精特新 …) are declared by the firm with evidence and an expiry, and verified or
/// rejected by an officer. Only verified, unexpired ones reach the firm's profile, matching and eligibility.
/// </summary>
public sealed class QualificationReview(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    private const string Select = """
        select q.id, q.enterprise_id, e.name as enterprise_name, q.kind, q.evidence, q.expires_on, q.status, q.declared_at, q.reject_reason
        from enterprises.qualifications q join enterprises.enterprises e on e.id = q.enterprise_id
        """;

    public async Task<IReadOnlyList<QualificationRecord>> ListForFirmAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<QualificationRecord>(new CommandDefinition(
            Select + " where q.enterprise_id = @enterpriseId order by q.kind", new { enterpriseId }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<QualificationRecord>> ListPendingAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<QualificationRecord>(new CommandDefinition(
            Select + " where q.status = 'declared' order by q.declared_at", cancellationToken: ct))).ToList();
    }

    /// <summary>Declares (or re-declares after a rejection or expiry) a qualification; it waits for an officer.</summary>
    public async Task<Result<Guid>> DeclareAsync(Guid enterpriseId, Guid userId, DeclareQualificationCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = new List<Error>();
        if (c.Kind is null || !DirectoryLists.Qualifications.Contains(c.Kind))
            errors.Add(Error.Invalid("qualification_unknown", "请选择资质类型", nameof(c.Kind)));
        if (c.Evidence?.Trim().Length is not (>= 2 and <= 500))
            errors.Add(Error.Invalid("evidence_required", "请填写证书编号或证明材料说明（2–500 字）", nameof(c.Evidence)));
        if (c.ExpiresOn is { } exp && exp <= DateOnly.FromDateTime(now.UtcDateTime))
            errors.Add(Error.Invalid("expired", "有效期已过，不能申报", nameof(c.ExpiresOn)));
        if (errors.Count > 0) return Result<Guid>.Fail(errors);

        const string sql = """
            insert into enterprises.qualifications (id, enterprise_id, kind, evidence, expires_on, status, declared_by, declared_at)
            values (@id, @enterpriseId, @kind, @evidence, @expiresOn, 'declared', @userId, @now)
            on conflict (enterprise_id, kind) do update set
                evidence = excluded.evidence, expires_on = excluded.expires_on, status = 'declared', declared_by = excluded.declared_by,
                declared_at = excluded.declared_at, reviewed_by = null, reviewed_at = null, reject_reason = null
            where enterprises.qualifications.status <> 'verified'
               or enterprises.qualifications.expires_on is distinct from excluded.expires_on
               or enterprises.qualifications.evidence <> excluded.evidence
            returning id
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, new
        {
            id = Guid.CreateVersion7(), enterpriseId, kind = c.Kind, evidence = c.Evidence!.Trim(),
            expiresOn = c.ExpiresOn?.ToDateTime(TimeOnly.MinValue), userId, now,
        }, tx, cancellationToken: ct));
        if (id is null) return Error.Conflict("already_verified", "该资质已认证且信息未变");
        await AuditLog.AppendAsync(conn, tx, userId, "qualification.declared", "qualification", id.Value.ToString(), null,
            new { enterpriseId, c.Kind, c.Evidence, c.ExpiresOn }, now, ct);
        await RefreshVerifiedAsync(conn, tx, enterpriseId, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return id.Value;
    }

    public Task<Result<QualificationRecord>> VerifyAsync(Guid qualificationId, Guid officerId, CancellationToken ct) =>
        ReviewAsync(qualificationId, officerId, "verified", null, ct);

    public Task<Result<QualificationRecord>> RejectAsync(Guid qualificationId, Guid officerId, string? reason, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(reason)
            ? Task.FromResult<Result<QualificationRecord>>(Error.Invalid("reason_required", "驳回时请说明理由", "Reason"))
            : ReviewAsync(qualificationId, officerId, "rejected", reason.Trim(), ct);

    private async Task<Result<QualificationRecord>> ReviewAsync(Guid id, Guid officerId, string verdict, string? reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var enterpriseId = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update enterprises.qualifications
            set status = @verdict, reviewed_by = @officerId, reviewed_at = @now, reject_reason = @reason
            where id = @id and status = 'declared'
            returning enterprise_id
            """, new { id, verdict, officerId, now, reason }, tx, cancellationToken: ct));
        if (enterpriseId is null) return Error.Conflict("not_pending", "该资质不在待审核状态");
        await AuditLog.AppendAsync(conn, tx, officerId, "qualification." + verdict, "qualification", id.ToString(),
            new { Status = "declared" }, new { Status = verdict, RejectReason = reason }, now, ct);
        await RefreshVerifiedAsync(conn, tx, enterpriseId.Value, now, ct);
        var record = await conn.QuerySingleAsync<QualificationRecord>(new CommandDefinition(Select + " where q.id = @id", new { id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        outbox.Notify();
        return record;
    }

    /// <summary>
    /// Drops qualifications whose validity ended from the firms that still carry them (run periodically); returns how
    /// many firms changed.
    /// </summary>
    public async Task<int> ExpireAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var firms = (await conn.QueryAsync<Guid>(new CommandDefinition("""
            select distinct e.id from enterprises.enterprises e
            join enterprises.qualifications q on q.enterprise_id = e.id
            where q.status = 'verified' and q.expires_on < @today and q.kind = any(e.qualifications)
            """, new { today = now.UtcDateTime.Date }, tx, cancellationToken: ct))).ToList();
        foreach (var id in firms) await RefreshVerifiedAsync(conn, tx, id, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return firms.Count;
    }

    /// <summary>Copies the verified, unexpired qualifications onto the firm and tells the index.</summary>
    private static async Task RefreshVerifiedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid enterpriseId, DateTimeOffset now, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("""
            update enterprises.enterprises e
            set qualifications = coalesce((
                    select array_agg(q.kind order by q.kind) from enterprises.qualifications q
                    where q.enterprise_id = e.id and q.status = 'verified' and (q.expires_on is null or q.expires_on >= @today)), '{}'),
                updated_at = @now
            where e.id = @enterpriseId
            """, new { enterpriseId, now, today = now.UtcDateTime.Date }, tx, cancellationToken: ct));
        await OutboxWriter.EnqueueAsync(conn, tx, EnterpriseEvents.ProfileChangedV1,
            $"{EnterpriseEvents.ProfileChangedV1}:{enterpriseId}:{now.UtcTicks}", new ProfileChanged(enterpriseId, now), now, ct);
    }
}
