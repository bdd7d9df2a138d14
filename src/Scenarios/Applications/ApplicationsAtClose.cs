using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Applications;

/// <summary>
/// At close, every submitted application is checked again against the scenario's hard rules with the firm's facts
/// as they are now (a qualification may have expired since): eligible, or ineligible with the reasons.
/// </summary>
public sealed class CheckEligibilityAtClose(NpgsqlDataSource db, ScenarioStore scenarios, TimeProvider clock)
{
    public async Task<Result<(int Eligible, int Ineligible)>> HandleAsync(Guid scenarioId, Func<Guid, Task<ApplicantFacts?>> factsOf, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(scenarioId, ct);
        if (scenario is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.Status != ScenarioStatus.Closed) return Error.Conflict("scenario_not_closed", "场景尚未截止");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pending = (await conn.QueryAsync<(Guid Id, Guid EnterpriseId, bool Unconfirmed, bool AwaitingConsortium)>(new CommandDefinition("""
            select id, enterprise_id, reconfirm_required_at is not null, status = 'awaiting_consortium' from scenarios.applications
            where scenario_id = @scenarioId and status in ('submitted', 'awaiting_consortium') for update
            """, new { scenarioId }, tx, cancellationToken: ct))).ToList();
        int eligible = 0, ineligible = 0;
        foreach (var (id, enterpriseId, unconfirmed, awaitingConsortium) in pending)
        {
            var facts = await factsOf(enterpriseId);
            var reasons = (facts is null ? ["企业信息不存在"] : scenario.CheckEligibility(facts).Select(e => e.Message))
                .Concat(unconfirmed ? ["未在截止前确认变更后的条款"] : [])
                .Concat(awaitingConsortium ? [ConsortiumConsents.NotConfirmedReason] : []).ToArray();
            await conn.ExecuteAsync(new CommandDefinition("""
                update scenarios.applications set status = @status, ineligible_reasons = @reasons, updated_at = @now
                where id = @id and status in ('submitted', 'awaiting_consortium')
                """, new { id, status = reasons.Length == 0 ? "eligible" : "ineligible", reasons, now }, tx, cancellationToken: ct));
            await AuditLog.AppendAsync(conn, tx, null, reasons.Length == 0 ? "application.eligible" : "application.ineligible", "application",
                id.ToString(), new { Status = awaitingConsortium ? "awaiting_consortium" : "submitted" }, new { Status = reasons.Length == 0 ? "eligible" : "ineligible", Reasons = reasons }, now, ct);
            if (reasons.Length == 0) eligible++; else ineligible++;
        }
        await tx.CommitAsync(ct);
        return (eligible, ineligible);
    }
}

public sealed record WithdrawApplicationCommand(Guid ScenarioId, Guid EnterpriseId, Guid WithdrawnBy);

/// <summary>A firm withdraws its application before the deadline; it may submit again while the window is open.</summary>
public sealed class WithdrawApplication(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public async Task<Result<Guid>> HandleAsync(WithdrawApplicationCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenario = await ScenarioStore.GetAsync(conn, tx, c.ScenarioId, ct);
        if (scenario is null || !scenario.IsPublic) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.CheckAcceptsApplications(now) is { } refusal) return refusal;
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update scenarios.applications a set status = 'withdrawn', withdrawn_at = @now, updated_at = @now
            from scenarios.scenarios s
            where a.scenario_id = @ScenarioId and a.enterprise_id = @EnterpriseId and a.status in ('submitted', 'awaiting_consortium')
              and s.id = a.scenario_id and s.status = 'published' and s.closes_at > @now
            returning a.id
            """, new { c.ScenarioId, c.EnterpriseId, now }, tx, cancellationToken: ct));
        if (id is null) return Error.NotFound("application_not_found", "没有可撤回的申报");
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ApplicationWithdrawnV1, $"{ScenarioEvents.ApplicationWithdrawnV1}:{id}:{now.UtcTicks}",
            new ApplicationWithdrawn(id.Value, c.ScenarioId, c.EnterpriseId, c.WithdrawnBy), now, ct);
        await AuditLog.AppendAsync(conn, tx, c.WithdrawnBy, "application.withdrawn", "application", id.Value.ToString(),
            null, new { Status = "withdrawn", WithdrawnAt = now }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return id.Value;
    }
}
