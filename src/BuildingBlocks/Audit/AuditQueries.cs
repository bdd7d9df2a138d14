using Npgsql;

namespace Marketplace.BuildingBlocks.Audit;

/// <summary>Reads of the audit chain for the admin page and the <c>verify-audit</c> command.</summary>
public sealed class AuditQueries(NpgsqlDataSource db)
{
    public Task<(long Entries, AuditBreak? FirstBreak)> VerifyAsync(CancellationToken ct) => AuditLog.VerifyAsync(db, ct);

    public Task<AuditHead?> HeadAsync(CancellationToken ct) => AuditLog.HeadAsync(db, ct);

    public Task<AuditBreak?> CheckHeadAsync(AuditHead recorded, CancellationToken ct) => AuditLog.CheckHeadAsync(db, recorded, ct);

    public Task<IReadOnlyList<AuditEntry>> ListAsync(string? entityType, string? entityId, int limit, CancellationToken ct) =>
        AuditLog.ListAsync(db, entityType, entityId, limit, ct);
}
