using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

/// <summary>An officer declines to publish a proposed or drafted scenario (不予发布), with the reason.</summary>
public sealed class RejectScenario(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<Result<Guid>> HandleAsync(Guid scenarioId, Guid officerId, string? reason, CancellationToken ct)
    {
        if (reason?.Trim().Length is not (>= 5 and <= 2000)) return Error.Invalid("reason_required", "请写明不予发布的理由（至少 5 个字）", "Reason");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var before = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select status from scenarios.scenarios where id = @scenarioId for update", new { scenarioId }, tx, cancellationToken: ct));
        if (before is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (before is not (ScenarioStatus.Submitted or ScenarioStatus.Draft)) return Error.Conflict("scenario_not_rejectable", "只有草稿或待审核的场景可以不予发布");
        if (await conn.ExecuteAsync(new CommandDefinition(
                "update scenarios.scenarios set status = 'rejected', decision_reason = @reason, updated_at = @now where id = @scenarioId and status = @before",
                new { scenarioId, reason = reason.Trim(), now, before }, tx, cancellationToken: ct)) == 0)
            return ScenarioErrors.StateChanged();
        await AuditLog.AppendAsync(conn, tx, officerId, "scenario.rejected", "scenario", scenarioId.ToString(),
            new { Status = before }, new { Status = ScenarioStatus.Rejected, Reason = reason.Trim() }, now, ct);
        await tx.CommitAsync(ct);
        return scenarioId;
    }
}
