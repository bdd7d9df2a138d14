using Marketplace.BuildingBlocks.Time;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Awards;

public sealed record DecisionCommand(Guid ScenarioId, IReadOnlyList<Guid> Winners, string? Reason);

/// <summary>
/// From the ranked shortlist to the award: the officer records a decision with reasons (one winner, or up to N in 赛马
/// mode), the proposed winners are publicised for a number of working days, anyone identifiable may object (<see cref="ObjectionProcess"/>),
/// officers answer, and the award becomes final only after publicity ends with no counted objection upheld or unanswered.
/// </summary>
public sealed class AwardProcess(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{

    public async Task<Result<DateTimeOffset>> DecideAsync(DecisionCommand c, Guid officerId, int publicityWorkingDays, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(c.Reason) || c.Reason.Trim().Length is < 10 or > 2000)
            return Error.Invalid("reason_required", "请写明决定理由（10–2000 字）", "Reason");
        if (c.Winners.Count > 10) return Error.Invalid("winners_count", "入选者最多 10 家（赛马模式的名额上限）", "Winners"); // before any work
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenario = await ScenarioStore.GetAsync(conn, tx, c.ScenarioId, ct);
        if (scenario is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.Status != ScenarioStatus.Reviewing) return Error.Conflict("scenario_not_reviewing", "只有评审中的场景可以作出决定");
        var winners = c.Winners.Distinct().ToList();
        if (winners.Count < 1 || winners.Count > scenario.AwardSlots)
            return Error.Invalid("winners_count", $"应选出 1–{scenario.AwardSlots} 家（{(scenario.Mode == ScenarioMode.HorseRace ? "赛马" : "揭榜挂帅")}）", "Winners");
        var eligible = (await conn.QueryAsync<Guid>(new CommandDefinition(
            "select id from scenarios.applications where scenario_id = @ScenarioId and status = 'eligible'", new { c.ScenarioId }, tx, cancellationToken: ct))).ToHashSet();
        if (winners.Any(w => !eligible.Contains(w))) return Error.Invalid("winner_not_eligible", "入选者必须是符合资格的申报", "Winners");

        var exceptions = await CalendarAsync(conn, tx, ct);
        var today = BeijingCalendar.DateOf(now);
        var lastDay = WorkingDays.AddWorkingDays(today, publicityWorkingDays, exceptions);
        var endsAt = BeijingCalendar.StartOf(lastDay.AddDays(1)); // midnight after the last working day

        // The transition names the state it expects: of two officers deciding at once, the second finds the scenario
        // no longer in review (its UPDATE waits for the first to commit, then matches nothing) and changes nothing.
        var moved = await conn.ExecuteAsync(new CommandDefinition("""
            update scenarios.scenarios set status = 'publicity', decision_reason = @reason, publicity_ends_at = @endsAt, updated_at = @now
            where id = @ScenarioId and status = 'reviewing'
            """, new { c.ScenarioId, reason = c.Reason.Trim(), endsAt = endsAt.ToUniversalTime(), now }, tx, cancellationToken: ct));
        if (moved == 0) return ScenarioErrors.StateChanged();
        await conn.ExecuteAsync(new CommandDefinition("""
            update scenarios.applications set status = case when id = any(@winners) then 'shortlisted' else 'not_awarded' end, updated_at = @now
            where scenario_id = @ScenarioId and status = 'eligible'
            """, new { winners = winners.ToArray(), c.ScenarioId, now }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, officerId, "scenario.decided", "scenario", c.ScenarioId.ToString(), new { Status = ScenarioStatus.Reviewing },
            new { Status = ScenarioStatus.Publicity, Winners = winners, Reason = c.Reason.Trim(), PublicityEndsAt = endsAt.ToUniversalTime() }, now, ct);
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.DecisionRecordedV1, $"{ScenarioEvents.DecisionRecordedV1}:{c.ScenarioId}:{now.UtcTicks}",
            new DecisionRecorded(c.ScenarioId, endsAt), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return endsAt;
    }

    private static async Task<IReadOnlyDictionary<DateOnly, bool>> CalendarAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        (await conn.QueryAsync<(DateTime Day, bool Working)>(new CommandDefinition(
            "select day, working from scenarios.calendar_days where day >= current_date - 7", transaction: tx, cancellationToken: ct)))
        .ToDictionary(d => DateOnly.FromDateTime(d.Day), d => d.Working);

    /// <summary>The admin keeps the exceptions to Monday–Friday: holidays (not working) and 调休 (working weekend days).</summary>
    public async Task<Result<DateOnly>> SetCalendarDayAsync(DateOnly day, bool working, string? name, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into scenarios.calendar_days (day, working, name) values (@day, @working, @name)
            on conflict (day) do update set working = excluded.working, name = excluded.name
            """, new { day = day.ToDateTime(TimeOnly.MinValue), working, name = name?.Trim() ?? "" }, cancellationToken: ct));
        return day;
    }

    /// <summary>
    /// Ends the publicity periods that are over (run by the scheduler; each scenario is decided by one conditional
    /// UPDATE). No objection upheld or open: the shortlisted become awards. An upheld objection reopens the review.
    /// Unanswered objections hold the scenario in publicity until they are answered; only confirmed objections count
    /// (an unconfirmed one, filed with an email address whose link was not followed, holds nothing).
    /// </summary>
    public async Task<IReadOnlyList<(Guid ScenarioId, string Outcome)>> FinishPublicityAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<(Guid Id, bool Upheld)>(new CommandDefinition("""
            select s.id, exists (select 1 from scenarios.objections o where o.scenario_id = s.id and o.outcome = 'upheld') as upheld
            from scenarios.scenarios s
            where s.status = 'publicity' and s.publicity_ends_at <= @now
              and not exists (select 1 from scenarios.objections o where o.scenario_id = s.id and o.answered_at is null and o.confirmed_at is not null)
            for update of s skip locked
            """, new { now }, tx, cancellationToken: ct))).ToList();
        var results = new List<(Guid, string)>();
        foreach (var (id, upheld) in due)
        {
            if (upheld)
            {
                await conn.ExecuteAsync(new CommandDefinition("""
                    update scenarios.applications set status = 'eligible', updated_at = @now where scenario_id = @id and status in ('shortlisted', 'not_awarded');
                    update scenarios.scenarios set status = 'reviewing', publicity_ends_at = null, updated_at = @now where id = @id and status = 'publicity';
                    """, new { id, now }, tx, cancellationToken: ct));
                await AuditLog.AppendAsync(conn, tx, null, "scenario.decision_reopened", "scenario", id.ToString(),
                    new { Status = ScenarioStatus.Publicity }, new { Status = ScenarioStatus.Reviewing, Reason = "异议成立" }, now, ct);
                results.Add((id, ScenarioStatus.Reviewing));
                continue;
            }
            var winners = (await conn.QueryAsync<Guid>(new CommandDefinition("""
                insert into scenarios.awards (id, scenario_id, application_id, enterprise_id, awarded_at)
                select gen_random_uuid(), scenario_id, id, enterprise_id, @now from scenarios.applications where scenario_id = @id and status = 'shortlisted'
                returning enterprise_id
                """, new { id, now }, tx, cancellationToken: ct))).ToList();
            await conn.ExecuteAsync(new CommandDefinition("""
                update scenarios.applications set status = 'awarded', updated_at = @now where scenario_id = @id and status = 'shortlisted';
                update scenarios.scenarios set status = 'awarded', updated_at = @now where id = @id and status = 'publicity';
                """, new { id, now }, tx, cancellationToken: ct));
            foreach (var enterpriseId in winners)
                await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.EnterpriseAwardedV1, $"{ScenarioEvents.EnterpriseAwardedV1}:{id}:{enterpriseId}",
                    new EnterpriseAwarded(id, enterpriseId), now, ct);
            await AuditLog.AppendAsync(conn, tx, null, "scenario.awarded", "scenario", id.ToString(),
                new { Status = ScenarioStatus.Publicity }, new { Status = ScenarioStatus.Awarded }, now, ct);
            await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.AwardsFinalV1, $"{ScenarioEvents.AwardsFinalV1}:{id}", new AwardsFinal(id), now, ct);
            results.Add((id, ScenarioStatus.Awarded));
        }
        await tx.CommitAsync(ct);
        outbox.Notify();
        return results;
    }
}
