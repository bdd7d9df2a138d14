using Marketplace.BuildingBlocks.Time;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Awards;

public sealed record DecisionCommand(Guid ScenarioId, IReadOnlyList<Guid> Winners, string? Reason);

public sealed record ObjectionCommand(Guid ScenarioId, string? Name, string? Contact, string? Content);

public sealed record Objection
{
    public Guid Id { get; init; }
    public Guid ScenarioId { get; init; }
    public DateTimeOffset FiledAt { get; init; }
    public string FilerName { get; init; } = "";
    public string Content { get; init; } = "";
    public string? Answer { get; init; }
    public string? Outcome { get; init; }
}

/// <summary>An objection with the contact its filer left: for telling the filer the answer, never shown publicly.</summary>
public sealed record ObjectionContact
{
    public Guid Id { get; init; }
    public Guid ScenarioId { get; init; }
    public string FilerName { get; init; } = "";
    public string FilerContact { get; init; } = "";
    public string Content { get; init; } = "";
    public string? Answer { get; init; }
}

/// <summary>
/// From the ranked shortlist to the award: the officer records a decision with reasons (one winner, or up to N in 赛马
/// mode), the proposed winners are publicised for a number of working days, anyone may object, officers answer, and the
/// award becomes final only after publicity ends with no objection upheld or unanswered.
/// </summary>
public sealed class AwardProcess(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{

    public async Task<Result<DateTimeOffset>> DecideAsync(DecisionCommand c, Guid officerId, int publicityWorkingDays, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(c.Reason) || c.Reason.Trim().Length < 10)
            return Error.Invalid("reason_required", "请写明决定理由（至少 10 个字）", "Reason");
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

    /// <summary>Anyone may object during publicity (公示), with a name and a way to be answered.</summary>
    public async Task<Result<Guid>> FileObjectionAsync(ObjectionCommand c, CancellationToken ct)
    {
        var errors = new List<Error>();
        if (c.Name?.Trim().Length is not (>= 2 and <= 60)) errors.Add(Error.Invalid("name_required", "请填写姓名或单位（2–60 字）", "Name"));
        if (c.Contact?.Trim().Length is not (>= 3 and <= 120)) errors.Add(Error.Invalid("contact_required", "请留下联系方式", "Contact"));
        if (c.Content?.Trim().Length is not (>= 10 and <= 5000)) errors.Add(Error.Invalid("content_length", "异议内容应为 10–5000 字", "Content"));
        if (errors.Count > 0) return Result<Guid>.Fail(errors);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var open = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from scenarios.scenarios where id = @ScenarioId and status = 'publicity' and publicity_ends_at > @now)",
            new { c.ScenarioId, now }, tx, cancellationToken: ct));
        if (!open) return Error.Conflict("publicity_not_open", "该场景不在公示期内");
        var id = Guid.CreateVersion7();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into scenarios.objections (id, scenario_id, filed_at, filer_name, filer_contact, content)
            values (@id, @ScenarioId, @now, @name, @contact, @content)
            """, new { id, c.ScenarioId, now, name = c.Name!.Trim(), contact = c.Contact!.Trim(), content = c.Content!.Trim() }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, null, "objection.filed", "scenario", c.ScenarioId.ToString(), null, new { objection = id }, now, ct);
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ObjectionFiledV1, $"{ScenarioEvents.ObjectionFiledV1}:{id}", new ObjectionFiled(id, c.ScenarioId), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return id;
    }

    public async Task<Result<Guid>> AnswerObjectionAsync(Guid objectionId, Guid officerId, string? answer, bool upheld, CancellationToken ct)
    {
        if (answer?.Trim().Length is not (>= 5 and <= 5000)) return Error.Invalid("answer_required", "请写明答复（至少 5 个字）", "Answer");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenarioId = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update scenarios.objections set answered_at = @now, answered_by = @officerId, answer = @answer, outcome = @outcome
            where id = @objectionId and answered_at is null
            returning scenario_id
            """, new { objectionId, now, officerId, answer = answer.Trim(), outcome = upheld ? "upheld" : "dismissed" }, tx, cancellationToken: ct));
        if (scenarioId is null) return Error.Conflict("already_answered", "该异议已答复或不存在");
        await AuditLog.AppendAsync(conn, tx, officerId, "objection.answered", "scenario", scenarioId.Value.ToString(), null,
            new { objection = objectionId, outcome = upheld ? "upheld" : "dismissed" }, now, ct);
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ObjectionAnsweredV1, $"{ScenarioEvents.ObjectionAnsweredV1}:{objectionId}",
            new ObjectionAnswered(objectionId, scenarioId.Value, upheld ? "upheld" : "dismissed"), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return objectionId;
    }

    public async Task<IReadOnlyList<Objection>> ObjectionsAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Objection>(new CommandDefinition("""
            select id, scenario_id, filed_at, filer_name, content, answer, outcome from scenarios.objections
            where scenario_id = @scenarioId order by filed_at
            """, new { scenarioId }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Ends the publicity periods that are over (run by the scheduler; each scenario is decided by one conditional
    /// UPDATE). No objection upheld or open: the shortlisted become awards. An upheld objection reopens the review.
    /// Unanswered objections hold the scenario in publicity until they are answered.
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
              and not exists (select 1 from scenarios.objections o where o.scenario_id = s.id and o.answered_at is null)
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

    public async Task<ObjectionContact?> GetObjectionContactAsync(Guid objectionId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ObjectionContact>(new CommandDefinition("""
            select id, scenario_id, filer_name, filer_contact, content, answer from scenarios.objections where id = @objectionId
            """, new { objectionId }, cancellationToken: ct));
    }
}
