using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

/// <summary>
/// Loads scenarios prepared elsewhere (the demo set, a batch file). Idempotent by code: a known code is left as it is.
/// Published ones announce themselves through the outbox exactly as if an officer had published them.
/// </summary>
public sealed class ImportScenarios(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public async Task<int> HandleAsync(IEnumerable<Scenario> scenarios, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var inserted = 0;
        foreach (var s in scenarios)
        {
            if (await ScenarioStore.InsertAsync(conn, tx, s, now, ct) == 0) continue;
            inserted++;
            await AuditLog.AppendAsync(conn, tx, null, "scenario.imported", "scenario", s.Id.ToString(), null, new { s.Code, s.Status }, now, ct);
            if (s.IsPublic)
                await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ScenarioPublishedV1,
                    $"{ScenarioEvents.ScenarioPublishedV1}:{s.Id}", new ScenarioPublished(s.Id), now, ct);
        }
        await tx.CommitAsync(ct);
        outbox.Notify();
        return inserted;
    }
}
