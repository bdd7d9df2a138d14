using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Applications;

public sealed record SubmitApplicationCommand(
    Guid ScenarioId, ApplicantFacts Applicant, Guid SubmittedBy, string? Approach, decimal QuotedBudgetWan);

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

public sealed class SubmitApplication(NpgsqlDataSource db, TimeProvider clock, Microsoft.Extensions.Options.IOptions<ApplicationOptions> options)
{
    public async Task<Result<Guid>> HandleAsync(SubmitApplicationCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var fieldErrors = Validate(c);
        if (fieldErrors.Count > 0) return Result<Guid>.Fail(fieldErrors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenario = await ScenarioStore.GetAsync(conn, tx, c.ScenarioId, ct);
        if (scenario is null || !scenario.IsPublic) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.CheckAcceptsApplications(now) is { } refusal) return refusal;
        var ineligible = scenario.CheckEligibility(c.Applicant);
        if (ineligible.Count > 0) return Result<Guid>.Fail(ineligible);
        var open = await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            select count(*) from scenarios.applications a join scenarios.scenarios s on s.id = a.scenario_id
            where a.enterprise_id = @EnterpriseId and a.status = 'submitted' and s.status = 'published' and a.scenario_id <> @ScenarioId
            """, new { c.Applicant.EnterpriseId, c.ScenarioId }, tx, cancellationToken: ct));
        if (open >= options.Value.MaxOpenPerFirm)
            return Error.Conflict("too_many_open_applications", $"同时在途的申报最多 {options.Value.MaxOpenPerFirm} 项；请待已有申报截止或撤回后再申报");
        if (scenario.BudgetMaxWan > 0 && c.QuotedBudgetWan > scenario.BudgetMaxWan)
            return Error.Invalid("quote_over_budget", $"报价不能超过场景预算上限 {scenario.BudgetMaxWan:0.##} 万元", nameof(c.QuotedBudgetWan));

        const string sql = """
            insert into scenarios.applications
                (id, scenario_id, enterprise_id, submitted_by, status, approach, quoted_budget_wan, created_at, updated_at, submitted_at)
            select @Id, s.id, @EnterpriseId, @SubmittedBy, 'submitted', @Approach, @QuotedBudgetWan, @Now, @Now, @Now
            from scenarios.scenarios s
            where s.id = @ScenarioId and s.status = 'published' and s.opens_at <= @Now and s.closes_at > @Now
            on conflict (scenario_id, enterprise_id) do update set
                status = 'submitted', approach = excluded.approach, quoted_budget_wan = excluded.quoted_budget_wan,
                submitted_by = excluded.submitted_by, updated_at = excluded.updated_at,
                submitted_at = coalesce(applications.submitted_at, excluded.submitted_at)
            returning id
            """;
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, new
        {
            Id = Guid.CreateVersion7(), c.ScenarioId, c.Applicant.EnterpriseId, c.SubmittedBy,
            Approach = c.Approach!.Trim(), c.QuotedBudgetWan, Now = now,
        }, tx, cancellationToken: ct));
        if (id is null) return Error.Conflict("scenario_closed", "申报已截止");

        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ApplicationSubmittedV1,
            $"{ScenarioEvents.ApplicationSubmittedV1}:{id}",
            new ApplicationSubmitted(id.Value, c.ScenarioId, c.Applicant.EnterpriseId, c.SubmittedBy), now, ct);
        // The audit entry records that and when a firm applied, not what it proposed: the content stays sealed.
        await AuditLog.AppendAsync(conn, tx, c.SubmittedBy, "application.submitted", "application", id.Value.ToString(), null,
            new { c.ScenarioId, c.Applicant.EnterpriseId, SubmittedAt = now }, now, ct);
        await tx.CommitAsync(ct);
        return id.Value;
    }

    internal static IReadOnlyList<Error> Validate(SubmitApplicationCommand c)
    {
        var errors = new List<Error>();
        if (c.Approach?.Trim().Length is not (>= 20 and <= 20000))
            errors.Add(Error.Invalid("approach_length", "技术方案应为 20–20000 个字", nameof(c.Approach)));
        if (c.QuotedBudgetWan < 0)
            errors.Add(Error.Invalid("quote_negative", "报价不能为负", nameof(c.QuotedBudgetWan)));
        return errors;
    }
}
