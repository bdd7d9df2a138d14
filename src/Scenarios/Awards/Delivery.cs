using System.Text.Json;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Awards;

public sealed record MilestoneTemplate(string Title, int OffsetDays, decimal TrancheWan, bool Final);

public sealed record Milestone
{
    public Guid Id { get; init; }
    public Guid AwardId { get; init; }
    public Guid ScenarioId { get; init; }
    public Guid EnterpriseId { get; init; }
    public string AwardStatus { get; init; } = "";
    public int Seq { get; init; }
    public string Title { get; init; } = "";
    public DateTimeOffset DueAt { get; init; }
    public decimal TrancheWan { get; init; }
    public bool IsFinal { get; init; }
    public string? Evidence { get; init; }
    public string? Verdict { get; init; }
    public string? VerdictNote { get; init; }
    public DateTimeOffset? OverdueAt { get; init; }
}

/// <summary>
/// Delivery (实施): awards get milestones from the scenario's template; firms hand in evidence; officers give each
/// gate a verdict. In 赛马 mode stopped or merged teams leave the race. The scenario lands (落地) when every remaining
/// award passes its final acceptance, and is terminated if none remains.
/// </summary>
public sealed class DeliveryProcess(NpgsqlDataSource db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public static readonly IReadOnlySet<string> Verdicts = new HashSet<string> { "continue", "scale_up", "stop", "merge", "accepted" };

    /// <summary>挂帅 → 实施: milestones are laid out from the award date.</summary>
    public async Task<Result<int>> StartAsync(Guid scenarioId, Guid officerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var template = await conn.ExecuteScalarAsync<string?>(new CommandDefinition("""
            update scenarios.scenarios set status = 'in_delivery', updated_at = @now where id = @scenarioId and status = 'awarded'
            returning milestone_template::text
            """, new { scenarioId, now }, tx, cancellationToken: ct));
        if (template is null) return Error.Conflict("scenario_not_awarded", "只有已挂帅的场景可以开始实施");
        var steps = JsonSerializer.Deserialize<MilestoneTemplate[]>(template, Json)!;
        var awards = (await conn.QueryAsync<(Guid Id, DateTime AwardedAt)>(new CommandDefinition(
            "select id, awarded_at from scenarios.awards where scenario_id = @scenarioId", new { scenarioId }, tx, cancellationToken: ct))).ToList();
        foreach (var (awardId, awardedAt) in awards)
            foreach (var (step, i) in steps.Select((s, i) => (s, i)))
                await conn.ExecuteAsync(new CommandDefinition("""
                    insert into scenarios.milestones (id, award_id, seq, title, due_at, tranche_wan, is_final)
                    values (@id, @awardId, @seq, @title, @due, @tranche, @final)
                    """, new
                {
                    id = Guid.CreateVersion7(), awardId, seq = i + 1, title = step.Title,
                    due = new DateTimeOffset(DateTime.SpecifyKind(awardedAt, DateTimeKind.Utc)).AddDays(step.OffsetDays),
                    tranche = step.TrancheWan, final = step.Final || i == steps.Length - 1,
                }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, officerId, "scenario.delivery_started", "scenario", scenarioId.ToString(),
            new { Status = ScenarioStatus.Awarded }, new { Status = ScenarioStatus.InDelivery, Milestones = awards.Count * steps.Length }, now, ct);
        await tx.CommitAsync(ct);
        return awards.Count * steps.Length;
    }

    private const string Select = """
        select m.id, m.award_id, a.scenario_id, a.enterprise_id, a.status as award_status, m.seq, m.title, m.due_at, m.tranche_wan, m.is_final,
               m.evidence, m.verdict, m.verdict_note, m.overdue_at
        from scenarios.milestones m join scenarios.awards a on a.id = m.award_id
        """;

    public async Task<IReadOnlyList<Milestone>> ListAsync(Guid scenarioId, Guid? enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Milestone>(new CommandDefinition(
            Select + " where a.scenario_id = @scenarioId and (@enterpriseId::uuid is null or a.enterprise_id = @enterpriseId) order by a.id, m.seq",
            new { scenarioId, enterpriseId }, cancellationToken: ct))).ToList();
    }

    /// <summary>A firm's own milestones across its awards.</summary>
    public async Task<IReadOnlyList<Milestone>> ListForEnterpriseAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Milestone>(new CommandDefinition(
            Select + " where a.enterprise_id = @enterpriseId order by m.due_at, m.seq", new { enterpriseId }, cancellationToken: ct))).ToList();
    }

    public async Task<Result<Guid>> SubmitEvidenceAsync(Guid milestoneId, Guid enterpriseId, Guid userId, string? evidence, CancellationToken ct)
    {
        if (evidence?.Trim().Length is not (>= 5 and <= 5000)) return Error.Invalid("evidence_required", "请说明交付成果与证明材料（5–5000 字）", "Evidence");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var updated = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update scenarios.milestones m set evidence = @evidence, evidence_at = @now
            from scenarios.awards a
            where m.id = @milestoneId and a.id = m.award_id and a.enterprise_id = @enterpriseId and a.status = 'active' and m.verdict is null
            returning m.id
            """, new { milestoneId, enterpriseId, evidence = evidence.Trim(), now }, tx, cancellationToken: ct));
        if (updated is null) return Error.NotFound("milestone_not_open", "没有可提交的里程碑");
        await AuditLog.AppendAsync(conn, tx, userId, "milestone.evidence_submitted", "milestone", milestoneId.ToString(), null, new { evidence }, now, ct);
        await tx.CommitAsync(ct);
        return milestoneId;
    }

    /// <summary>The gate's verdict; it may end the team's race, and the last acceptance may land the scenario.</summary>
    public async Task<Result<string>> JudgeAsync(Guid milestoneId, Guid officerId, string? verdict, string? note, CancellationToken ct)
    {
        if (verdict is null || !Verdicts.Contains(verdict)) return Error.Invalid("verdict_unknown", "结论应为 继续/扩大/终止/合并/验收通过", "Verdict");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var m = await conn.QuerySingleOrDefaultAsync<Milestone>(new CommandDefinition(Select + " where m.id = @milestoneId for update of m",
            new { milestoneId }, tx, cancellationToken: ct));
        if (m is null) return Error.NotFound("milestone_not_found", "里程碑不存在");
        if (m.Verdict is not null || m.AwardStatus != "active") return Error.Conflict("milestone_decided", "该里程碑已有结论或团队已退出");
        if (m.Evidence is null) return Error.Conflict("evidence_missing", "企业尚未提交交付材料");
        if (m.IsFinal ? verdict is not ("accepted" or "stop") : verdict == "accepted")
            return Error.Invalid("verdict_not_allowed", m.IsFinal ? "最终验收的结论只能是 验收通过 或 终止" : "只有最终验收可以给出“验收通过”", "Verdict");

        await conn.ExecuteAsync(new CommandDefinition("""
            update scenarios.milestones set verdict = @verdict, verdict_note = @note, verdict_by = @officerId, verdict_at = @now where id = @milestoneId and verdict is null
            """, new { milestoneId, verdict, note = note?.Trim(), officerId, now }, tx, cancellationToken: ct));
        var awardStatus = verdict switch { "stop" => "stopped", "merge" => "merged", "accepted" => "accepted", _ => "active" };
        if (awardStatus != "active")
            await conn.ExecuteAsync(new CommandDefinition("update scenarios.awards set status = @awardStatus where id = @awardId and status = 'active'",
                new { awardStatus, m.AwardId }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, officerId, "milestone.judged", "milestone", milestoneId.ToString(), null,
            new { verdict, note, award = m.AwardId, awardStatus }, now, ct);

        // The scenario's outcome once no team is still delivering: landed if any passed acceptance, else terminated.
        var scenarioId = await conn.ExecuteScalarAsync<Guid>(new CommandDefinition("select scenario_id from scenarios.awards where id = @awardId", new { m.AwardId }, tx, cancellationToken: ct));
        var (active, accepted) = await conn.QuerySingleAsync<(int, int)>(new CommandDefinition("""
            select count(*) filter (where status = 'active')::int, count(*) filter (where status = 'accepted')::int
            from scenarios.awards where scenario_id = @scenarioId
            """, new { scenarioId }, tx, cancellationToken: ct));
        var outcome = ScenarioStatus.InDelivery;
        if (active == 0)
        {
            outcome = accepted > 0 ? ScenarioStatus.Landed : ScenarioStatus.Terminated;
            await conn.ExecuteAsync(new CommandDefinition("update scenarios.scenarios set status = @outcome, updated_at = @now where id = @scenarioId and status = 'in_delivery'",
                new { outcome, now, scenarioId }, tx, cancellationToken: ct));
            await AuditLog.AppendAsync(conn, tx, officerId, "scenario." + outcome, "scenario", scenarioId.ToString(),
                new { Status = ScenarioStatus.InDelivery }, new { Status = outcome }, now, ct);
        }
        await tx.CommitAsync(ct);
        return outcome;
    }

    /// <summary>Marks milestones past due without evidence, each once (scheduler).</summary>
    public async Task<int> MarkOverdueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var ids = (await conn.QueryAsync<Guid>(new CommandDefinition("""
            update scenarios.milestones m set overdue_at = @now
            from scenarios.awards a
            where a.id = m.award_id and a.status = 'active' and m.due_at <= @now and m.evidence is null and m.overdue_at is null
            returning m.id
            """, new { now }, tx, cancellationToken: ct))).ToList();
        foreach (var id in ids)
            await AuditLog.AppendAsync(conn, tx, null, "milestone.overdue", "milestone", id.ToString(), null, new { OverdueAt = now }, now, ct);
        await tx.CommitAsync(ct);
        return ids.Count;
    }
}
