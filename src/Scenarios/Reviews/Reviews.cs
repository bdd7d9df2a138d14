using System.Text.Json;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Reviews;

public sealed record Criterion(string Name, decimal Weight);

public sealed record CriterionScore(string Criterion, decimal Score, string? Note);

public sealed record Assignment
{
    public Guid Id { get; init; }
    public Guid ApplicationId { get; init; }
    public Guid ScenarioId { get; init; }
    public string ScenarioTitle { get; init; } = "";
    public Guid EnterpriseId { get; init; }
    public Guid ReviewerId { get; init; }
    public string Status { get; init; } = "";
    public string Approach { get; init; } = "";
    public decimal QuotedBudgetWan { get; init; }
    public string Rubric { get; init; } = "[]";

    public IReadOnlyList<Criterion> Criteria => ReviewProcess.ParseRubric(Rubric);
}

/// <summary>One application's place in the ranking: its aggregated weighted score and how many reviews it rests on.</summary>
public sealed record RankedApplication(Guid ApplicationId, Guid EnterpriseId, decimal? Score, int Reviews, bool NeedsMoreReviews);

/// <summary>
/// Expert review (评审): officers start it after the deadline and assign at least two reviewers per eligible application;
/// reviewers declare conflicts (and are recused) or score each rubric criterion with private notes; scores aggregate
/// into a ranked shortlist, optionally without each application's highest and lowest review.
/// </summary>
public sealed class ReviewProcess(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public const int MinimumReviewers = 2;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>截止 → 评审. With no eligible application the scenario is cancelled (流标) instead, with the reason.</summary>
    public async Task<Result<string>> StartAsync(Guid scenarioId, Guid officerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var status = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select status from scenarios.scenarios where id = @scenarioId for update", new { scenarioId }, tx, cancellationToken: ct));
        if (status is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (status != ScenarioStatus.Closed) return Error.Conflict("scenario_not_closed", "只有已截止的场景可以开始评审");
        var pending = await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from scenarios.applications where scenario_id = @scenarioId and status in ('submitted', 'awaiting_consortium')", new { scenarioId }, tx, cancellationToken: ct));
        if (pending > 0) return Error.Conflict("eligibility_pending", "资格复核尚未完成，请稍后再试");
        var eligible = await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from scenarios.applications where scenario_id = @scenarioId and status = 'eligible'", new { scenarioId }, tx, cancellationToken: ct));
        var next = eligible == 0 ? ScenarioStatus.Cancelled : ScenarioStatus.Reviewing;
        if (await conn.ExecuteAsync(new CommandDefinition(
                "update scenarios.scenarios set status = @next, updated_at = @now where id = @scenarioId and status = 'closed'",
                new { scenarioId, next, now }, tx, cancellationToken: ct)) == 0)
            return ScenarioErrors.StateChanged();
        await AuditLog.AppendAsync(conn, tx, officerId, next == ScenarioStatus.Cancelled ? "scenario.cancelled" : "scenario.review_started",
            "scenario", scenarioId.ToString(), new { Status = status },
            new { Status = next, Reason = next == ScenarioStatus.Cancelled ? "无符合资格的申报（流标）" : null }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return next;
    }

    public async Task<Result<Guid>> AssignAsync(Guid applicationId, Guid reviewerId, Guid officerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await conn.QuerySingleOrDefaultAsync<StatusPair>(new CommandDefinition("""
            select a.status as application_status, s.status as scenario_status
            from scenarios.applications a join scenarios.scenarios s on s.id = a.scenario_id where a.id = @applicationId
            """, new { applicationId }, tx, cancellationToken: ct));
        if (target is null) return Error.NotFound("application_not_found", "申报不存在");
        if (target.ScenarioStatus != ScenarioStatus.Reviewing) return Error.Conflict("scenario_not_reviewing", "场景不在评审阶段");
        if (target.ApplicationStatus != "eligible") return Error.Conflict("application_not_eligible", "只有符合资格的申报可以分配评审");
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            insert into scenarios.review_assignments (id, application_id, reviewer_id, assigned_by, assigned_at, status)
            values (@id, @applicationId, @reviewerId, @officerId, @now, 'assigned')
            on conflict (application_id, reviewer_id) do nothing
            returning id
            """, new { id = Guid.CreateVersion7(), applicationId, reviewerId, officerId, now }, tx, cancellationToken: ct));
        if (id is null) return Error.Conflict("already_assigned", "该专家已分配到这份申报");
        await AuditLog.AppendAsync(conn, tx, officerId, "review.assigned", "application", applicationId.ToString(), null, new { reviewerId }, now, ct);
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ReviewAssignedV1, $"{ScenarioEvents.ReviewAssignedV1}:{id}",
            new ReviewAssigned(id.Value, applicationId, reviewerId), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return id.Value;
    }

    /// <summary>A reviewer's assignments: only these applications are readable to them, and only once reviewing began.</summary>
    public async Task<IReadOnlyList<Assignment>> ForReviewerAsync(Guid reviewerId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Assignment>(new CommandDefinition($"""
            {SelectAssignment} where r.reviewer_id = @reviewerId and s.status in ('reviewing', 'publicity', 'awarded', 'in_delivery', 'landed')
            order by r.assigned_at
            """, new { reviewerId }, cancellationToken: ct))).ToList();
    }

    private const string SelectAssignment = """
        select r.id, r.application_id, s.id as scenario_id, s.title as scenario_title, a.enterprise_id, r.reviewer_id, r.status,
               case when r.status = 'recused' then '' else a.approach end as approach, a.quoted_budget_wan, s.rubric::text as rubric
        from scenarios.review_assignments r
        join scenarios.applications a on a.id = r.application_id
        join scenarios.scenarios s on s.id = a.scenario_id
        """;

    public async Task<Result<Guid>> DeclareConflictAsync(Guid assignmentId, Guid reviewerId, string? reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason)) return Error.Invalid("reason_required", "请说明利益冲突的情况", "Reason");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var applicationId = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update scenarios.review_assignments set status = 'recused', conflict_reason = @reason
            where id = @assignmentId and reviewer_id = @reviewerId and status = 'assigned'
            returning application_id
            """, new { assignmentId, reviewerId, reason = reason.Trim() }, tx, cancellationToken: ct));
        if (applicationId is null) return Error.NotFound("assignment_not_found", "没有可回避的评审任务");
        await AuditLog.AppendAsync(conn, tx, reviewerId, "review.recused", "application", applicationId.Value.ToString(), null, new { reason }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return assignmentId;
    }

    /// <summary>A rubric has at most this many criteria (<see cref="Listings.ScenarioTerms"/>), so no scoring carries more.</summary>
    public const int MaxCriteria = 10;

    public async Task<Result<Guid>> SubmitScoresAsync(Guid assignmentId, Guid reviewerId, IReadOnlyList<CriterionScore> scores, CancellationToken ct)
    {
        if (scores.Count > MaxCriteria) return Error.Invalid("scores_count", $"最多 {MaxCriteria} 项评分", "Scores");
        if (scores.Any(s => s is null || (s.Criterion?.Length ?? 0) > 40 || (s.Note?.Length ?? 0) > 2000))
            return Error.Invalid("score_length", "评审指标名称不超过 40 字，评语不超过 2000 字", "Scores");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<ScoringTarget>(new CommandDefinition("""
            select r.status, s.status as scenario_status, s.rubric::text as rubric, r.application_id
            from scenarios.review_assignments r
            join scenarios.applications a on a.id = r.application_id
            join scenarios.scenarios s on s.id = a.scenario_id
            where r.id = @assignmentId and r.reviewer_id = @reviewerId
            for update of r
            """, new { assignmentId, reviewerId }, tx, cancellationToken: ct));
        if (row is null) return Error.NotFound("assignment_not_found", "评审任务不存在");
        if (row.Status == "recused") return Error.Conflict("recused", "已回避的评审不能打分");
        if (row.ScenarioStatus != ScenarioStatus.Reviewing) return Error.Conflict("scenario_not_reviewing", "评审已结束");
        var rubric = JsonSerializer.Deserialize<Criterion[]>(row.Rubric, Json)!;
        var errors = CheckScores(rubric, scores);
        if (errors.Count > 0) return Result<Guid>.Fail(errors);

        await conn.ExecuteAsync(new CommandDefinition("delete from scenarios.review_scores where assignment_id = @assignmentId",
            new { assignmentId }, tx, cancellationToken: ct));
        foreach (var s in scores)
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into scenarios.review_scores (assignment_id, criterion, score, note) values (@assignmentId, @criterion, @score, @note)
                """, new { assignmentId, criterion = s.Criterion, score = s.Score, note = s.Note?.Trim() ?? "" }, tx, cancellationToken: ct));
        if (await conn.ExecuteAsync(new CommandDefinition(
                "update scenarios.review_assignments set status = 'submitted', submitted_at = @now where id = @assignmentId and status in ('assigned', 'submitted')",
                new { assignmentId, now }, tx, cancellationToken: ct)) == 0)
            return Error.Conflict("review_state_changed", "评审任务状态已变化，请刷新后重试");
        // The audit keeps that a review was scored and the scores, not the reviewer's private notes.
        await AuditLog.AppendAsync(conn, tx, reviewerId, "review.scored", "application", row.ApplicationId.ToString(), null,
            new { assignmentId, Scores = scores.Select(s => new { s.Criterion, s.Score }) }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return assignmentId;
    }

    private sealed record StatusPair
    {
        public string ApplicationStatus { get; init; } = "";
        public string ScenarioStatus { get; init; } = "";
    }

    private sealed record ScoringTarget
    {
        public string Status { get; init; } = "";
        public string ScenarioStatus { get; init; } = "";
        public string Rubric { get; init; } = "[]";
        public Guid ApplicationId { get; init; }
    }

    public static IReadOnlyList<Criterion> ParseRubric(string json) => JsonSerializer.Deserialize<Criterion[]>(json, Json) ?? [];

    internal static IReadOnlyList<Error> CheckScores(IReadOnlyList<Criterion> rubric, IReadOnlyList<CriterionScore> scores)
    {
        var errors = new List<Error>();
        foreach (var c in rubric.Where(c => scores.All(s => s.Criterion != c.Name)))
            errors.Add(Error.Invalid("criterion_missing", $"请为“{c.Name}”打分", c.Name));
        foreach (var s in scores.Where(s => rubric.All(c => c.Name != s.Criterion)))
            errors.Add(Error.Invalid("criterion_unknown", $"评审细则中没有“{s.Criterion}”", s.Criterion));
        foreach (var s in scores.Where(s => s.Score is < 0 or > 100))
            errors.Add(Error.Invalid("score_range", $"“{s.Criterion}”的分数应在 0–100 之间", s.Criterion));
        return errors;
    }

    /// <summary>The ranked shortlist: each application's reviews as weighted averages, then their mean.</summary>
    public async Task<IReadOnlyList<RankedApplication>> RankingAsync(Guid scenarioId, bool dropHighestAndLowest, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rubric = JsonSerializer.Deserialize<Criterion[]>(await conn.ExecuteScalarAsync<string>(new CommandDefinition(
            "select rubric::text from scenarios.scenarios where id = @scenarioId", new { scenarioId }, cancellationToken: ct)) ?? "[]", Json)!;
        var rows = await conn.QueryAsync<(Guid ApplicationId, Guid EnterpriseId, Guid? AssignmentId, string? Criterion, decimal? Score)>(new CommandDefinition("""
            select a.id, a.enterprise_id, r.id, sc.criterion, sc.score
            from scenarios.applications a
            left join scenarios.review_assignments r on r.application_id = a.id and r.status = 'submitted'
            left join scenarios.review_scores sc on sc.assignment_id = r.id
            where a.scenario_id = @scenarioId and a.status in ('eligible', 'shortlisted', 'awarded', 'not_awarded')
            """, new { scenarioId }, cancellationToken: ct));
        return Rank(rubric, rows.GroupBy(r => (r.ApplicationId, r.EnterpriseId))
            .Select(g => (g.Key.ApplicationId, g.Key.EnterpriseId, Reviews: g.Where(x => x.AssignmentId is not null)
                .GroupBy(x => x.AssignmentId!.Value)
                .Select(r => (IReadOnlyDictionary<string, decimal>)r.ToDictionary(x => x.Criterion!, x => x.Score!.Value)).ToList())), dropHighestAndLowest);
    }

    internal static IReadOnlyList<RankedApplication> Rank(IReadOnlyList<Criterion> rubric,
        IEnumerable<(Guid ApplicationId, Guid EnterpriseId, List<IReadOnlyDictionary<string, decimal>> Reviews)> applications, bool dropExtremes)
    {
        var totalWeight = rubric.Sum(c => c.Weight);
        decimal Weighted(IReadOnlyDictionary<string, decimal> review) =>
            totalWeight == 0 ? 0 : rubric.Sum(c => review.GetValueOrDefault(c.Name) * c.Weight) / totalWeight;

        return applications.Select(a =>
        {
            var totals = a.Reviews.Select(Weighted).OrderBy(x => x).ToList();
            // Dropping the extremes only makes sense with at least three reviews to keep one.
            if (dropExtremes && totals.Count >= 3) totals = totals.Skip(1).Take(totals.Count - 2).ToList();
            decimal? score = totals.Count == 0 ? null : Math.Round(totals.Average(), 2);
            return new RankedApplication(a.ApplicationId, a.EnterpriseId, score, a.Reviews.Count, a.Reviews.Count < MinimumReviewers);
        }).OrderByDescending(r => r.Score ?? -1).ThenBy(r => r.ApplicationId).ToList();
    }
}
