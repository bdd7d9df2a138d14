using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Applications;

/// <summary>A proposal (揭榜方案). With <paramref name="Draft"/> it is only saved (草稿): no checks but the lengths, nothing sent.</summary>
/// <param name="ConsortiumMembers">Member firms of a consortium (联合体), at most four; the applicant is the lead.</param>
public sealed record SubmitApplicationCommand(
    Guid ScenarioId, ApplicantFacts Applicant, Guid SubmittedBy, string? Approach, decimal QuotedBudgetWan,
    string? Team = null, string? Schedule = null, string? PastCases = null,
    bool DeclaredTruthful = false, bool DeclaredNoDoubleFunding = false,
    IReadOnlyList<ApplicantFacts>? ConsortiumMembers = null, bool Draft = false);

/// <summary>
/// A firm applies (揭榜). A second submit by the same firm edits its one application. The deadline is checked
/// again inside the insert, so a submission racing the deadline is stored or refused, never accepted late.
/// </summary>
/// <summary>Section <c>Applications</c>.</summary>
public sealed class ApplicationOptions
{
    public const string Section = "Applications";
    /// <summary>How many applications a firm may have open (submitted, window not yet closed) at once.</summary>
    public int MaxOpenPerFirm { get; set; } = 5;
}

public sealed class SubmitApplication(NpgsqlDataSource db, TimeProvider clock, Microsoft.Extensions.Options.IOptions<ApplicationOptions> options, OutboxSignal outbox)
{
    public async Task<Result<Guid>> HandleAsync(SubmitApplicationCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var fieldErrors = Validate(c);
        if (fieldErrors.Count > 0) return Result<Guid>.Fail(fieldErrors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenario = await ScenarioStore.GetAsync(conn, tx, c.ScenarioId, ct);
        if (scenario is null || !scenario.IsVisibleTo(c.Applicant.Region, isStaff: false)) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.CheckAcceptsApplications(now) is { } refusal) return refusal;
        if (c.Draft) return await SaveDraftAsync(conn, tx, c, now, ct);
        var ineligible = scenario.CheckEligibility(c.Applicant).ToList();
        foreach (var member in c.ConsortiumMembers ?? [])
            if (scenario.Eligibility.CheckMember(member) is { } memberRefusal) ineligible.Add(memberRefusal);
        if (ineligible.Count > 0) return Result<Guid>.Fail(ineligible);
        var open = await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            select count(*) from scenarios.applications a join scenarios.scenarios s on s.id = a.scenario_id
            where a.enterprise_id = @EnterpriseId and a.status in ('submitted', 'awaiting_consortium') and s.status = 'published' and a.scenario_id <> @ScenarioId
            """, new { c.Applicant.EnterpriseId, c.ScenarioId }, tx, cancellationToken: ct));
        if (open >= options.Value.MaxOpenPerFirm)
            return Error.Conflict("too_many_open_applications", $"同时在途的申报最多 {options.Value.MaxOpenPerFirm} 项；请待已有申报截止或撤回后再申报");
        if (scenario.BudgetMaxWan > 0 && c.QuotedBudgetWan > scenario.BudgetMaxWan)
            return Error.Invalid("quote_over_budget", $"报价不能超过场景预算上限 {scenario.BudgetMaxWan:0.##} 万元", nameof(c.QuotedBudgetWan));

        // A submission is new when nothing was submitted before (no row, a draft, or a withdrawn one): it gets its own receipt.
        // Editing an application that stands is not a new submission and sends nothing.
        var before = await conn.ExecuteScalarAsync<string?>(new CommandDefinition("""
            select status from scenarios.applications where scenario_id = @ScenarioId and enterprise_id = @EnterpriseId for update
            """, new { c.ScenarioId, c.Applicant.EnterpriseId }, tx, cancellationToken: ct));
        var newSubmission = before is null or "draft" or "withdrawn";

        const string sql = """
            insert into scenarios.applications
                (id, scenario_id, enterprise_id, submitted_by, status, approach, quoted_budget_wan, created_at, updated_at, submitted_at,
                 team, schedule, past_cases, declared_truthful, declared_no_double_funding, consortium_member_ids)
            select @Id, s.id, @EnterpriseId, @SubmittedBy, @Status, @Approach, @QuotedBudgetWan, @Now, @Now, @Now,
                   @Team, @Schedule, @PastCases, true, true, @Members
            from scenarios.scenarios s
            where s.id = @ScenarioId and s.status = 'published' and s.opens_at <= @Now and s.closes_at > @Now
            on conflict (scenario_id, enterprise_id) do update set
                status = excluded.status, approach = excluded.approach, quoted_budget_wan = excluded.quoted_budget_wan,
                team = excluded.team, schedule = excluded.schedule, past_cases = excluded.past_cases,
                declared_truthful = true, declared_no_double_funding = true, consortium_member_ids = excluded.consortium_member_ids,
                submitted_by = excluded.submitted_by, updated_at = excluded.updated_at,
                submitted_at = case when applications.status in ('submitted', 'awaiting_consortium') then coalesce(applications.submitted_at, excluded.submitted_at)
                                    else excluded.submitted_at end
            returning id
            """;
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, new
        {
            Id = Guid.CreateVersion7(), c.ScenarioId, c.Applicant.EnterpriseId, c.SubmittedBy,
            Approach = c.Approach!.Trim(), c.QuotedBudgetWan, Now = now,
            Team = c.Team?.Trim() ?? "", Schedule = c.Schedule?.Trim() ?? "", PastCases = c.PastCases?.Trim() ?? "", Members = MemberIds(c),
            Status = MemberIds(c).Length == 0 ? "submitted" : ConsortiumConsents.Awaiting,
        }, tx, cancellationToken: ct));
        if (id is null) return Error.Conflict("scenario_closed", "申报已截止");

        // A consortium counts once every named member has confirmed: new members are asked, removed ones forgotten.
        var asked = await ConsortiumConsents.SyncAsync(conn, tx, id.Value, MemberIds(c), now, ct);
        var status = await ConsortiumConsents.RefreshStatusAsync(conn, tx, id.Value, now, ct);
        foreach (var member in asked)
            await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ConsortiumRequestedV1, $"{ScenarioEvents.ConsortiumRequestedV1}:{id}:{member}:{now.UtcTicks}",
                new ConsortiumRequested(id.Value, c.ScenarioId, c.Applicant.EnterpriseId, member), now, ct);
        if (status == "submitted" && newSubmission)
            await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ApplicationSubmittedV1,
                // One key per submission, not per application: a resubmission after a withdrawal (or an edit) gets its own receipt.
                $"{ScenarioEvents.ApplicationSubmittedV1}:{id}:{Guid.CreateVersion7():N}",
                new ApplicationSubmitted(id.Value, c.ScenarioId, c.Applicant.EnterpriseId, c.SubmittedBy, now), now, ct);
        // The audit entry records that and when a firm applied, not what it proposed: the content stays sealed.
        await AuditLog.AppendAsync(conn, tx, c.SubmittedBy, "application.submitted", "application", id.Value.ToString(), null,
            new { c.ScenarioId, c.Applicant.EnterpriseId, SubmittedAt = now, Status = status }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return id.Value;
    }

    /// <summary>A draft keeps whatever the firm has typed so far; only a submitted application has to be complete.</summary>
    private static async Task<Result<Guid>> SaveDraftAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SubmitApplicationCommand c, DateTimeOffset now, CancellationToken ct)
    {
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            insert into scenarios.applications
                (id, scenario_id, enterprise_id, submitted_by, status, approach, quoted_budget_wan, created_at, updated_at,
                 team, schedule, past_cases, declared_truthful, declared_no_double_funding, consortium_member_ids)
            values (@Id, @ScenarioId, @EnterpriseId, @SubmittedBy, 'draft', @Approach, @QuotedBudgetWan, @Now, @Now,
                    @Team, @Schedule, @PastCases, @DeclaredTruthful, @DeclaredNoDoubleFunding, @Members)
            on conflict (scenario_id, enterprise_id) do update set
                approach = excluded.approach, quoted_budget_wan = excluded.quoted_budget_wan, team = excluded.team,
                schedule = excluded.schedule, past_cases = excluded.past_cases, declared_truthful = excluded.declared_truthful,
                declared_no_double_funding = excluded.declared_no_double_funding, consortium_member_ids = excluded.consortium_member_ids,
                submitted_by = excluded.submitted_by, updated_at = excluded.updated_at,
                status = case when applications.status = 'withdrawn' then 'draft' else applications.status end
            where applications.status in ('draft', 'withdrawn')
            returning id
            """, new
        {
            Id = Guid.CreateVersion7(), c.ScenarioId, c.Applicant.EnterpriseId, c.SubmittedBy, Approach = c.Approach?.Trim() ?? "",
            c.QuotedBudgetWan, Now = now, Team = c.Team?.Trim() ?? "", Schedule = c.Schedule?.Trim() ?? "", PastCases = c.PastCases?.Trim() ?? "",
            c.DeclaredTruthful, c.DeclaredNoDoubleFunding, Members = MemberIds(c),
        }, tx, cancellationToken: ct));
        if (id is null) return Error.Conflict("application_already_submitted", "申报已提交；如需修改，请直接修改后再次提交");
        await tx.CommitAsync(ct);
        return id.Value;
    }

    private static Guid[] MemberIds(SubmitApplicationCommand c) => (c.ConsortiumMembers ?? []).Select(m => m.EnterpriseId).ToArray();

    /// <summary>A consortium (联合体) is the lead plus at most this many members.</summary>
    public const int MaxConsortiumMembers = 4;

    /// <summary>The field rules alone (no database), so a form can show them next to its binding errors.</summary>
    public static IReadOnlyList<Error> CheckFields(SubmitApplicationCommand c) => Validate(c);

    internal static IReadOnlyList<Error> Validate(SubmitApplicationCommand c)
    {
        var errors = new List<Error>();
        void Check(bool ok, string code, string field, string message)
        {
            if (!ok) errors.Add(Error.Invalid(code, message, field));
        }

        var complete = !c.Draft;
        Check(c.Approach?.Trim().Length is var n && (complete ? n is >= 20 and <= 20000 : (n ?? 0) <= 20000),
            "approach_length", nameof(c.Approach), "技术方案应为 20–20000 个字");
        Check(c.QuotedBudgetWan >= 0, "quote_negative", nameof(c.QuotedBudgetWan), "报价不能为负");
        Check((c.Team?.Trim().Length ?? 0) <= 5000, "team_length", nameof(c.Team), "团队介绍不能超过 5000 字");
        Check((c.Schedule?.Trim().Length ?? 0) <= 5000, "schedule_length", nameof(c.Schedule), "进度安排不能超过 5000 字");
        Check((c.PastCases?.Trim().Length ?? 0) <= 5000, "past_cases_length", nameof(c.PastCases), "过往案例不能超过 5000 字");
        if (complete)
        {
            Check(c.Team?.Trim().Length >= 10, "team_required", nameof(c.Team), "请介绍项目团队（至少 10 个字）");
            Check(c.Schedule?.Trim().Length >= 10, "schedule_required", nameof(c.Schedule), "请填写进度安排（至少 10 个字）");
            Check(c.DeclaredTruthful, "declaration_truthful", nameof(c.DeclaredTruthful), "请确认申报材料真实、准确、完整");
            Check(c.DeclaredNoDoubleFunding, "declaration_no_double_funding", nameof(c.DeclaredNoDoubleFunding), "请确认本项目未重复申请财政资金支持");
        }
        var members = c.ConsortiumMembers ?? [];
        Check(members.Count <= MaxConsortiumMembers, "consortium_size", "ConsortiumMembers", $"联合体除牵头单位外最多 {MaxConsortiumMembers} 家成员");
        Check(members.Select(m => m.EnterpriseId).Distinct().Count() == members.Count, "consortium_duplicate", "ConsortiumMembers", "联合体成员不能重复");
        Check(members.All(m => m.EnterpriseId != c.Applicant.EnterpriseId), "consortium_lead_member", "ConsortiumMembers", "牵头单位不必再列为成员");
        return errors;
    }
}

/// <summary>What the process itself knows of a firm's past (its awards), for rules like excluding recent winners.</summary>
public static class ApplicantHistory
{
    public static async Task<DateTimeOffset?> LastAwardedAtAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid enterpriseId, CancellationToken ct)
    {
        var at = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
            select max(awarded_at) from scenarios.awards where enterprise_id = @enterpriseId and status <> 'stopped'
            """, new { enterpriseId }, tx, cancellationToken: ct));
        return at is { } utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : null;
    }
}
