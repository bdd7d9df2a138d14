using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

/// <summary>An officer publishes (张榜) a drafted or proposed scenario; the index and invitations follow through the outbox.</summary>
public sealed class PublishScenario(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    /// <param name="autoInvite">False when the officer chose whom to invite (or chose nobody): the outbox handler then invites no one.</param>
    public async Task<Result<Scenario>> HandleAsync(Guid scenarioId, CancellationToken ct, Guid? actorId = null, bool autoInvite = true)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenario = await ScenarioStore.GetAsync(conn, tx, scenarioId, ct);
        if (scenario is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.CheckCanPublish(now) is { } refusal) return refusal;

        if (await ScenarioStore.MarkPublishedAsync(conn, tx, scenarioId, scenario.Status, now, ct) != 1)
            return Error.Conflict("scenario_changed", "场景刚被他人修改，请刷新后重试");
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ScenarioPublishedV1,
            $"{ScenarioEvents.ScenarioPublishedV1}:{scenarioId}", new ScenarioPublished(scenarioId, autoInvite), now, ct);
        await AuditLog.AppendAsync(conn, tx, actorId, "scenario.published", "scenario", scenarioId.ToString(),
            new { scenario.Status }, new { Status = ScenarioStatus.Published, PublishedAt = now }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return scenario with { Status = ScenarioStatus.Published, PublishedAt = now };
    }
}
