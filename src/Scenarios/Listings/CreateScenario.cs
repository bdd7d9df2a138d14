using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

public sealed record CreateScenarioCommand(
    string? Title,
    string? Summary,
    string? Description,
    string? Category,
    string? Domain,
    string? Location,
    IReadOnlyList<string>? Technologies,
    string? OwnerDepartment,
    decimal BudgetMinWan,
    decimal BudgetMaxWan,
    string? Mode,
    int AwardSlots,
    DateTimeOffset? OpensAt,
    DateTimeOffset? ClosesAt,
    IReadOnlyList<string>? RequiredQualifications,
    decimal MinRegisteredCapitalWan,
    string? FundingMode = null,
    IReadOnlyList<Reviews.Criterion>? Rubric = null,
    IReadOnlyList<Awards.MilestoneTemplate>? MilestoneTemplate = null,
    string? Visibility = null,
    IReadOnlyList<string>? PartnerRegions = null,
    int ExcludeWinnersWithinYears = 0,
    IReadOnlyList<string>? AllowedRegions = null,
    string? ResponsiblePerson = null);

/// <summary>An officer drafts a scenario (草稿). All field problems are reported at once.</summary>
public sealed class CreateScenario(NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>Bounds of the short fields (domain, location, department, funding mode) and of each list's items.</summary>
    public const int MaxShortText = 60;
    public const int MaxListItems = 20;
    public const int MaxItemLength = 40;

    /// <param name="proposerEnterpriseId">Set when a firm poses the problem (企业出题): the scenario starts as submitted (待审核).</param>
    public async Task<Result<Guid>> HandleAsync(CreateScenarioCommand c, CancellationToken ct, Guid? actorId = null, Guid? proposerEnterpriseId = null)
    {
        var now = clock.GetUtcNow();
        var errors = Validate(c, now);
        if (errors.Count > 0) return Result<Guid>.Fail(errors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var code = await ScenarioStore.NextCodeAsync(conn, tx, now.Year, ct);
        var technologies = Clean(c.Technologies);
        var scenario = new Scenario(
            Guid.CreateVersion7(), code, c.Title!.Trim(), c.Summary!.Trim(), c.Description!.Trim(), c.Category!, c.Domain!.Trim(),
            c.Location?.Trim() ?? "", technologies, Batch: $"{now.Year}年人工录入", c.OwnerDepartment?.Trim() ?? "",
            // Instants are kept in UTC (Npgsql writes timestamptz only from offset 0); forms and clients send Beijing time.
            c.BudgetMinWan, c.BudgetMaxWan, c.Mode ?? ScenarioMode.Single, c.AwardSlots, (c.OpensAt ?? now).ToUniversalTime(), c.ClosesAt!.Value.ToUniversalTime(),
            Clean(c.RequiredQualifications), c.MinRegisteredCapitalWan, Clean(c.AllowedRegions),
            proposerEnterpriseId is null ? ScenarioStatus.Draft : ScenarioStatus.Submitted, null).WithTerms(c);
        // The code was allocated under a lock, so the insert cannot meet a conflict; if it ever did, saying "saved" would be a lie.
        if (await ScenarioStore.InsertAsync(conn, tx, scenario, now, ct, proposerEnterpriseId) != 1)
            throw new InvalidOperationException($"Scenario code {code} was taken although it was allocated under a lock.");
        await AuditLog.AppendAsync(conn, tx, actorId, proposerEnterpriseId is null ? "scenario.created" : "scenario.proposed", "scenario",
            scenario.Id.ToString(), null, new { scenario, proposerEnterpriseId }, now, ct);
        await tx.CommitAsync(ct);
        return scenario.Id;
    }

    /// <summary>The field problems of a command, without saving anything (for forms that also failed to bind).</summary>
    public IReadOnlyList<Error> Check(CreateScenarioCommand c) => Validate(c, clock.GetUtcNow());

    internal static IReadOnlyList<Error> Validate(CreateScenarioCommand c, DateTimeOffset now)
    {
        var errors = new List<Error>();
        void Check(bool ok, string code, string field, string message)
        {
            if (!ok) errors.Add(Error.Invalid(code, message, field));
        }

        Check(c.Title?.Trim().Length is >= 4 and <= 120, "title_length", nameof(c.Title), "标题应为 4–120 个字");
        Check(c.Summary?.Trim().Length is >= 10 and <= 500, "summary_length", nameof(c.Summary), "摘要应为 10–500 个字");
        Check(c.Description?.Trim().Length is >= 20 and <= 10000, "description_length", nameof(c.Description), "问题描述应为 20–10000 个字");
        Check(c.Category is not null && ScenarioCategory.All.Contains(c.Category), "category_unknown", nameof(c.Category), "请选择场景类别");
        Check(!string.IsNullOrWhiteSpace(c.Domain), "domain_required", nameof(c.Domain), "请填写所属领域");
        Check((c.Domain?.Trim().Length ?? 0) <= MaxShortText, "domain_length", nameof(c.Domain), $"所属领域不能超过 {MaxShortText} 个字");
        Check((c.Location?.Trim().Length ?? 0) <= MaxShortText, "location_length", nameof(c.Location), $"实施地点不能超过 {MaxShortText} 个字");
        Check((c.OwnerDepartment?.Trim().Length ?? 0) <= MaxShortText, "owner_department_length", nameof(c.OwnerDepartment), $"牵头部门不能超过 {MaxShortText} 个字");
        // Lists are bounded before anything looks at their items (a body may carry thousands).
        var before = errors.Count;
        foreach (var (list, field, name) in new[] { (c.Technologies, nameof(c.Technologies), "关键技术"), (c.RequiredQualifications, nameof(c.RequiredQualifications), "资质要求"),
                     (c.AllowedRegions, nameof(c.AllowedRegions), "允许注册地"), (c.PartnerRegions, nameof(c.PartnerRegions), "协同区域") })
        {
            Check((list?.Count ?? 0) <= MaxListItems, "list_too_long", field, $"{name}最多 {MaxListItems} 项");
            Check((list?.Count ?? 0) > MaxListItems || (list ?? []).All(i => (i?.Trim().Length ?? 0) <= MaxItemLength), "item_too_long", field, $"{name}每项不能超过 {MaxItemLength} 个字");
        }
        Check((c.Rubric?.Count ?? 0) <= MaxListItems, "list_too_long", nameof(c.Rubric), $"评审细则最多 {MaxListItems} 项");
        Check((c.MilestoneTemplate?.Count ?? 0) <= MaxListItems, "list_too_long", nameof(c.MilestoneTemplate), $"里程碑最多 {MaxListItems} 项");
        if (errors.Count > before) return errors;
        var technologies = Clean(c.Technologies);
        Check(technologies.Length is >= 1 and <= 12, "technologies_count", nameof(c.Technologies), "请填写 1–12 项关键技术");
        Check(c.BudgetMinWan >= 0 && c.BudgetMaxWan >= c.BudgetMinWan, "budget_range", nameof(c.BudgetMaxWan), "预算上限不能低于下限，且不能为负");
        Check(c.MinRegisteredCapitalWan >= 0, "capital_negative", nameof(c.MinRegisteredCapitalWan), "注册资本门槛不能为负");
        var mode = c.Mode ?? ScenarioMode.Single;
        Check(mode is ScenarioMode.Single or ScenarioMode.HorseRace, "mode_unknown", nameof(c.Mode), "请选择揭榜挂帅或赛马模式");
        Check(mode == ScenarioMode.Single ? c.AwardSlots == 1 : c.AwardSlots is >= 2 and <= 10,
            "award_slots", nameof(c.AwardSlots), "揭榜挂帅模式为 1 个名额，赛马模式为 2–10 个");
        Check(c.ClosesAt is not null && c.ClosesAt > now, "closes_at_future", nameof(c.ClosesAt), "截止时间应晚于当前时间");
        Check(c.ClosesAt is null || c.OpensAt is null || c.ClosesAt > c.OpensAt, "window_order", nameof(c.ClosesAt), "截止时间应晚于开始时间");
        foreach (var r in Clean(c.AllowedRegions).Where(r => !r.StartsWith(ScenarioVisibility.HomeDistrict) && !r.StartsWith("北三县") && !r.StartsWith("雄安新区")
                                                              && !r.StartsWith("北京其他区") && !r.StartsWith("外省市")))
            errors.Add(Error.Invalid("allowed_region_unknown", $"允许注册地“{r}”应以 通州区、北三县、雄安新区、北京其他区 或 外省市 开头", nameof(c.AllowedRegions)));
        Check((c.ResponsiblePerson?.Trim().Length ?? 0) <= 60, "responsible_person_length", nameof(c.ResponsiblePerson), "责任人不能超过 60 个字");
        errors.AddRange(ScenarioTerms.Check(c.FundingMode, c.Rubric, c.MilestoneTemplate, c.Visibility, Clean(c.PartnerRegions), c.ExcludeWinnersWithinYears));
        return errors;
    }

    internal static string[] Clean(IReadOnlyList<string>? items) =>
        (items ?? []).Where(t => t is not null).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToArray();
}

/// <summary>
/// An officer edits a scenario that is not yet published: a draft, or a firm's proposal (企业出题) before approving it.
/// Once published, only <see cref="ChangeTerms"/> may change it, and applicants are told.
/// </summary>
public sealed class EditScenario(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<Result<Guid>> HandleAsync(Guid id, CreateScenarioCommand c, Guid actorId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = CreateScenario.Validate(c, now);
        if (errors.Count > 0) return Result<Guid>.Fail(errors);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var before = await ScenarioStore.GetAsync(conn, tx, id, ct);
        if (before is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (before.Status is not (ScenarioStatus.Draft or ScenarioStatus.Submitted))
            return Error.Conflict("scenario_not_editable", "只有草稿或待审核的场景可以直接编辑；已发布的场景请使用“变更条款”");
        var after = before with
        {
            Title = c.Title!.Trim(), Summary = c.Summary!.Trim(), Description = c.Description!.Trim(), Category = c.Category!, Domain = c.Domain!.Trim(),
            Location = c.Location?.Trim() ?? "", Technologies = CreateScenario.Clean(c.Technologies), OwnerDepartment = c.OwnerDepartment?.Trim() ?? "",
            BudgetMinWan = c.BudgetMinWan, BudgetMaxWan = c.BudgetMaxWan, Mode = c.Mode ?? ScenarioMode.Single, AwardSlots = c.AwardSlots,
            OpensAt = (c.OpensAt ?? before.OpensAt).ToUniversalTime(), ClosesAt = c.ClosesAt!.Value.ToUniversalTime(),
            RequiredQualifications = CreateScenario.Clean(c.RequiredQualifications), MinRegisteredCapitalWan = c.MinRegisteredCapitalWan,
            AllowedRegions = CreateScenario.Clean(c.AllowedRegions),
        };
        after = after.WithTerms(c);
        var changed = await ScenarioStore.UpdateAsync(conn, tx, after, before.Status, now, ct);
        if (changed == 0) return Error.Conflict("scenario_not_editable", "场景状态已变化，请刷新后重试");
        await AuditLog.AppendAsync(conn, tx, actorId, "scenario.edited", "scenario", id.ToString(), before, after, now, ct);
        await tx.CommitAsync(ct);
        return id;
    }
}
