using Marketplace.BuildingBlocks.Audit;
using Marketplace.Scenarios.Applications;

namespace Marketplace.Flows.Audit;

/// <summary>
/// The audit log as the admin page shows it: whether the chain verifies (always), and the entries — except those about
/// applications still under the seal, which appear once their scenario's window has closed. Until then no page may
/// tell anyone but the applicant that a firm applied.
/// </summary>
public sealed class AuditTrail(AuditQueries audit, ApplicationQueries applications)
{
    public Task<(long Entries, AuditBreak? FirstBreak)> VerifyAsync(CancellationToken ct) => audit.VerifyAsync(ct);

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? entityType, string? entityId, int limit, CancellationToken ct)
    {
        var entries = await audit.ListAsync(entityType, entityId, limit, ct);
        var applicationIds = entries.Where(e => e.EntityType == "application" && Guid.TryParse(e.EntityId, out _))
            .Select(e => Guid.Parse(e.EntityId)).Distinct().ToList();
        var sealedOnes = await applications.StillSealedAsync(applicationIds, ct);
        return entries.Where(e => !(e.EntityType == "application" && Guid.TryParse(e.EntityId, out var id) && sealedOnes.Contains(id))).ToList();
    }
}
