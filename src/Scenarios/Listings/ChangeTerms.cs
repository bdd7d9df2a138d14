using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

public sealed record ChangeTermsCommand(
    Guid ScenarioId, DateTimeOffset? ClosesAt, decimal BudgetMaxWan, IReadOnlyList<string>? RequiredQualifications,
    decimal MinRegisteredCapitalWan, string? Description, string? ChangeNote);

/// <summary>
/// An officer changes the terms of a published scenario (deadline, budget, hard rules, description). Every applicant is
/// told by email and must confirm again before the deadline; unconfirmed applications are not eligible at close.
/// </summary>
public sealed class ChangeTerms(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public async Task<Result<int>> HandleAsync(ChangeTermsCommand c, Guid officerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = Check(c, now);
        if (errors.Count > 0) return Result<int>.Fail(errors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var before = await ScenarioStore.GetAsync(conn, tx, c.ScenarioId, ct);
        if (before is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (before.Status != ScenarioStatus.Published || before.ClosesAt <= now) return Error.Conflict("scenario_not_open", "只有张榜中的场景可以变更条款");
        if (c.BudgetMaxWan < before.BudgetMinWan) return Error.Invalid("budget_range", "预算上限不能低于下限", "BudgetMaxWan");

        var qualifications = (c.RequiredQualifications ?? before.RequiredQualifications).Select(q => q.Trim()).Where(q => q.Length > 0).Distinct().ToArray();
        var changed = await conn.ExecuteAsync(new CommandDefinition("""
            update scenarios.scenarios
            set closes_at = @closesAt, budget_max_wan = @budgetMax, required_qualifications = @qualifications,
                min_registered_capital_wan = @minCapital, description = @description, updated_at = @now
            where id = @id and status = 'published' and closes_at > @now
            """, new
        {
            id = c.ScenarioId, closesAt = (c.ClosesAt ?? before.ClosesAt).ToUniversalTime(), budgetMax = c.BudgetMaxWan, qualifications,
            minCapital = c.MinRegisteredCapitalWan, description = c.Description?.Trim() ?? before.Description, now,
        }, tx, cancellationToken: ct));
        if (changed == 0) return ScenarioErrors.StateChanged();
        var applicants = (await conn.QueryAsync<(Guid Id, Guid SubmittedBy)>(new CommandDefinition("""
            update scenarios.applications set reconfirm_required_at = @now, updated_at = @now
            where scenario_id = @id and status in ('submitted', 'awaiting_consortium')
            returning id, submitted_by
            """, new { id = c.ScenarioId, now }, tx, cancellationToken: ct))).ToList();
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.TermsChangedV1, $"{ScenarioEvents.TermsChangedV1}:{c.ScenarioId}:{now.UtcTicks}",
            new TermsChanged(c.ScenarioId, c.ChangeNote!.Trim(), applicants.Select(a => a.SubmittedBy).Distinct().ToArray()), now, ct);
        await AuditLog.AppendAsync(conn, tx, officerId, "scenario.terms_changed", "scenario", c.ScenarioId.ToString(),
            new { before.ClosesAt, before.BudgetMaxWan, before.RequiredQualifications, before.MinRegisteredCapitalWan },
            new { ClosesAt = c.ClosesAt ?? before.ClosesAt, c.BudgetMaxWan, RequiredQualifications = qualifications, c.MinRegisteredCapitalWan, Note = c.ChangeNote },
            now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return applicants.Count;
    }

    /// <summary>The change's own rules (no database), so a form can show them with its binding errors.</summary>
    public IReadOnlyList<Error> Check(ChangeTermsCommand c) => Check(c, clock.GetUtcNow());

    private static List<Error> Check(ChangeTermsCommand c, DateTimeOffset now)
    {
        var errors = new List<Error>();
        if (c.ChangeNote?.Trim().Length is not (>= 5 and <= 1000)) errors.Add(Error.Invalid("note_required", "请说明变更内容（5–1000 字）", "ChangeNote"));
        if (c.ClosesAt is { } closes && closes <= now) errors.Add(Error.Invalid("closes_at_future", "截止时间应晚于当前时间", "ClosesAt"));
        if (c.BudgetMaxWan < 0 || c.MinRegisteredCapitalWan < 0) errors.Add(Error.Invalid("amount_negative", "金额不能为负", "BudgetMaxWan"));
        if (c.Description is not null && c.Description.Trim().Length is < 20 or > 10000) errors.Add(Error.Invalid("description_length", "问题描述应为 20–10000 个字", "Description"));
        if (c.RequiredQualifications is { } required && (required.Count > CreateScenario.MaxListItems || required.Any(q => (q?.Trim().Length ?? 0) > CreateScenario.MaxItemLength)))
            errors.Add(Error.Invalid("list_too_long", $"资质要求最多 {CreateScenario.MaxListItems} 项，每项不超过 {CreateScenario.MaxItemLength} 个字", "RequiredQualifications"));
        return errors;
    }

    /// <summary>The applicant confirms its application under the changed terms.</summary>
    public async Task<Result<Guid>> ReconfirmAsync(Guid scenarioId, Guid enterpriseId, Guid userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var id = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update scenarios.applications a set reconfirm_required_at = null, updated_at = @now
            from scenarios.scenarios s
            where a.scenario_id = @scenarioId and a.enterprise_id = @enterpriseId and a.reconfirm_required_at is not null
              and s.id = a.scenario_id and s.status = 'published' and s.closes_at > @now
            returning a.id
            """, new { scenarioId, enterpriseId, now }, tx, cancellationToken: ct));
        if (id is null) return Error.NotFound("nothing_to_confirm", "没有需要确认的申报");
        await AuditLog.AppendAsync(conn, tx, userId, "application.reconfirmed", "application", id.Value.ToString(), null, new { ReconfirmedAt = now }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return id.Value;
    }
}
