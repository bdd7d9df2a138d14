using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

/// <summary>
/// Closes every published scenario whose deadline has passed (张榜 → 截止). One UPDATE decides, so with several
/// nodes running the scheduler each scenario is closed, announced and audited exactly once.
/// </summary>
public sealed class CloseDueScenarios(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public async Task<IReadOnlyList<Guid>> HandleAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var closed = (await conn.QueryAsync<Guid>(new CommandDefinition("""
            update scenarios.scenarios set status = 'closed', closed_at = @now, updated_at = @now
            where status = 'published' and closes_at <= @now
            returning id
            """, new { now }, tx, cancellationToken: ct))).ToList();
        foreach (var id in closed)
        {
            await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ScenarioClosedV1, $"{ScenarioEvents.ScenarioClosedV1}:{id}",
                new ScenarioClosed(id), now, ct);
            await AuditLog.AppendAsync(conn, tx, null, "scenario.closed", "scenario", id.ToString(),
                new { Status = ScenarioStatus.Published }, new { Status = ScenarioStatus.Closed, ClosedAt = now }, now, ct);
        }
        await tx.CommitAsync(ct);
        outbox.Notify();
        return closed;
    }
}
