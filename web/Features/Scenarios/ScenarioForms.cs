using Marketplace.BuildingBlocks.Time;
using System.ComponentModel.DataAnnotations;
using Marketplace.BuildingBlocks.Paging;
using Marketplace.Web.Infrastructure;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Web.Features.Scenarios;

/// <summary>The filters of the scenario hall, as query-string parameters (q, category, domain, technology, location, status, page).</summary>
public sealed class ScenarioFilters
{
    [StringLength(Bounds.Query, ErrorMessage = Bounds.Text)] public string? Q { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Category { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Domain { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Technology { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Location { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Status { get; set; }
    /// <summary>relevance, deadline (soonest first) or latest; unknown values fall back to the default order.</summary>
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Sort { get; set; }
    public int Page { get; set; } = 1;

    public ScenarioSearchQuery ToQuery(int pageSize = 20) => new(
        Q, Category is not null && ScenarioCategory.All.Contains(Category) ? Category : null, Page: PageInfo.Clamp(Page), PageSize: pageSize,
        Domain: Blank(Domain), Technology: Blank(Technology), Location: Blank(Location), Status: Blank(Status),
        Sort: Sort is not null && ScenarioSorts.All.Contains(Sort) ? Sort : null);

    /// <summary>The query string of these filters with one of them changed (null removes it); the page starts again at 1.</summary>
    public string With(string key, string? value) => QueryStrings.With(Pairs(), key, value);

    public Dictionary<string, string?> Pairs() => new()
    {
        ["q"] = Q, ["category"] = Category, ["domain"] = Domain, ["technology"] = Technology, ["location"] = Location, ["status"] = Status, ["sort"] = Sort,
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public sealed record ScenarioSearchPage(ScenarioFilters Filters, int Page, ScenarioSearchResult Result)
{
    public PageInfo Paging => new(Page, 20, Result.Total);
    public Pager Pager => Pager.For(Paging, "/scenarios", Filters.Pairs());
}

public sealed class CapabilityFilters
{
    [StringLength(Bounds.Query, ErrorMessage = Bounds.Text)] public string? Q { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Region { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Industry { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Technology { get; set; }
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Qualification { get; set; }
    /// <summary>relevance (default) or capital (registered capital, largest first).</summary>
    [StringLength(Bounds.Facet, ErrorMessage = Bounds.Text)] public string? Sort { get; set; }
    public int Page { get; set; } = 1;

    public EnterpriseSearchQuery ToQuery(int pageSize = 20) =>
        new(Q, Region, Industry, Technology, Qualification, PageInfo.Clamp(Page), pageSize, Sort == EnterpriseSearchQuery.ByCapital ? Sort : null);

    public string With(string key, string? value) => QueryStrings.With(Pairs(), key, value);

    public Dictionary<string, string?> Pairs() => new()
    {
        ["q"] = Q, ["region"] = Region, ["industry"] = Industry, ["technology"] = Technology, ["qualification"] = Qualification, ["sort"] = Sort,
    };
}

public sealed record CapabilitySearchPage(CapabilityFilters Filters, EnterpriseSearchResult Result)
{
    public PageInfo Paging => new(Filters.Page, 20, Result.Total);
    public Pager Pager => Pager.For(Paging, "/capabilities", Filters.Pairs());
}

public sealed record ScenarioPage(Scenario Scenario, OwnApplication? OwnApplication, bool CanApply, string? ApplyBlockedReason);

public sealed record PublishPreviewPage(Scenario Scenario, IReadOnlyList<Marketplace.Flows.Recommending.InvitationCandidate> Candidates);

public sealed record RecommendationsPage(Scenario Scenario, IReadOnlyList<Recommendation> Recommendations, IReadOnlySet<Guid> Invited);

/// <summary>The scenario form as officers fill it in; times are Beijing time.</summary>
public sealed class ScenarioForm
{
    [Display(Name = "标题"), StringLength(120, ErrorMessage = Bounds.Text)] public string? Title { get; set; }
    [Display(Name = "摘要"), StringLength(500, ErrorMessage = Bounds.Text)] public string? Summary { get; set; }
    [Display(Name = "问题描述"), StringLength(10000, ErrorMessage = Bounds.Text)] public string? Description { get; set; }
    [Display(Name = "场景类别")] public string? Category { get; set; } = ScenarioCategory.SmartCity;
    [Display(Name = "所属领域"), StringLength(CreateScenario.MaxShortText, ErrorMessage = Bounds.Text)] public string? Domain { get; set; }
    [Display(Name = "实施地点"), StringLength(CreateScenario.MaxShortText, ErrorMessage = Bounds.Text)] public string? Location { get; set; }
    [Display(Name = "关键技术（用顿号或逗号分隔）"), StringLength(1000, ErrorMessage = Bounds.Text)] public string? Technologies { get; set; }
    [Display(Name = "牵头部门"), StringLength(CreateScenario.MaxShortText, ErrorMessage = Bounds.Text)] public string? OwnerDepartment { get; set; }
    [Display(Name = "责任人"), StringLength(60, ErrorMessage = Bounds.Text)] public string? ResponsiblePerson { get; set; }
    [Display(Name = "预算下限（万元）")] public decimal BudgetMinWan { get; set; }
    [Display(Name = "预算上限（万元）")] public decimal BudgetMaxWan { get; set; }
    [Display(Name = "模式")] public string? Mode { get; set; } = ScenarioMode.Single;
    [Display(Name = "挂帅名额")] public int AwardSlots { get; set; } = 1;
    [Display(Name = "申报截止（北京时间）")] public DateTime? ClosesAt { get; set; }
    [Display(Name = "资质要求（用顿号或逗号分隔）"), StringLength(1000, ErrorMessage = Bounds.Text)] public string? RequiredQualifications { get; set; }
    [Display(Name = "注册资本门槛（万元）")] public decimal MinRegisteredCapitalWan { get; set; }
    [Display(Name = "资金支持方式"), StringLength(CreateScenario.MaxShortText, ErrorMessage = Bounds.Text)] public string? FundingMode { get; set; }
    /// <summary>The rubric as text lines (“指标:权重”), for clients that post text; the page posts <see cref="RubricRows"/>.</summary>
    [Display(Name = "评审细则"), StringLength(2000, ErrorMessage = Bounds.Text)] public string? Rubric { get; set; }
    /// <summary>The milestone template as text lines (“名称|天数|拨付万元”), for clients that post text; the page posts <see cref="MilestoneRows"/>.</summary>
    [Display(Name = "里程碑模板"), StringLength(3000, ErrorMessage = Bounds.Text)] public string? MilestoneTemplate { get; set; }
    /// <summary>One row per review criterion: a name and a weight; the weights add up to 100.</summary>
    [MaxLength(CreateScenario.MaxListItems, ErrorMessage = Bounds.List)]
    public List<RubricRow> RubricRows { get; set; } = [];
    /// <summary>One row per milestone: a deliverable, days after the award and a funding tranche; the last row is the acceptance.</summary>
    [MaxLength(CreateScenario.MaxListItems, ErrorMessage = Bounds.List)]
    public List<MilestoneRow> MilestoneRows { get; set; } = [];

    /// <summary>A new scenario's form: the default rubric and milestones as rows (binding leaves an unposted list empty, so defaults live here).</summary>
    public static ScenarioForm New(DateTime closesAt) => new()
    {
        ClosesAt = closesAt, RubricRows = ScenarioTerms.DefaultRubric.Select(RubricRow.From).ToList(),
        MilestoneRows = ScenarioTerms.DefaultMilestones.Select(MilestoneRow.From).ToList(),
    };
    [Display(Name = "公开范围")] public string? Visibility { get; set; } = ScenarioVisibility.Public;
    [Display(Name = "协同区域"), MaxLength(CreateScenario.MaxListItems, ErrorMessage = Bounds.List)] public List<string> PartnerRegions { get; set; } = [];
    [Display(Name = "允许注册地（可选，用顿号分隔，如“通州区、北三县”）"), StringLength(1000, ErrorMessage = Bounds.Text)] public string? AllowedRegions { get; set; }
    [Display(Name = "排除近几年内已揭榜的企业（年，0 为不排除）")] public int ExcludeWinnersWithinYears { get; set; }

    public CreateScenarioCommand ToCommand() => new(
        Title, Summary, Description, Category, Domain, Location, SplitList(Technologies), OwnerDepartment,
        BudgetMinWan, BudgetMaxWan, Mode, AwardSlots, null,
        ClosesAt is { } local ? BeijingCalendar.FromLocal(local) : null,
        SplitList(RequiredQualifications), MinRegisteredCapitalWan,
        string.IsNullOrWhiteSpace(FundingMode) ? null : FundingMode.Trim(),
        ReadRubric().Rubric, ReadMilestones().Milestones,
        Visibility, PartnerRegions, ExcludeWinnersWithinYears, SplitList(AllowedRegions), ResponsiblePerson);

    /// <summary>Lines of the rubric or milestone boxes that cannot be read, as field errors.</summary>
    public IReadOnlyList<Marketplace.BuildingBlocks.Results.Error> ParseErrors() =>
        new[] { ReadRubric().Error, ReadMilestones().Error }.OfType<Marketplace.BuildingBlocks.Results.Error>().ToList();

    /// <summary>Rows win over text: a filled row posted by the page is the rubric; otherwise the text lines are read.</summary>
    private (IReadOnlyList<Marketplace.Scenarios.Reviews.Criterion>? Rubric, Marketplace.BuildingBlocks.Results.Error? Error) ReadRubric()
    {
        var rows = RubricRows.Where(r => !r.IsBlank).ToList();
        if (rows.Count == 0) return ScenarioTerms.ParseRubric(Rubric);
        var result = new List<Marketplace.Scenarios.Reviews.Criterion>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (!decimal.TryParse(rows[i].Weight?.Trim().TrimEnd('%', '分'), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var weight))
                return (null, Marketplace.BuildingBlocks.Results.Error.Invalid("rubric_line", $"评审细则第 {i + 1} 行：权重应为 1–100 的数字", "Rubric"));
            result.Add(new(rows[i].Name?.Trim() ?? "", weight));
        }
        return (result, null);
    }

    private (IReadOnlyList<Marketplace.Scenarios.Awards.MilestoneTemplate>? Milestones, Marketplace.BuildingBlocks.Results.Error? Error) ReadMilestones()
    {
        var rows = MilestoneRows.Where(r => !r.IsBlank).ToList();
        if (rows.Count == 0) return ScenarioTerms.ParseMilestones(MilestoneTemplate);
        var result = new List<Marketplace.Scenarios.Awards.MilestoneTemplate>();
        for (var i = 0; i < rows.Count; i++)
        {
            decimal tranche = 0;
            if (!int.TryParse(rows[i].Days?.Trim().TrimEnd('天'), out var days)
                || (!string.IsNullOrWhiteSpace(rows[i].TrancheWan) && !decimal.TryParse(rows[i].TrancheWan!.Trim(), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out tranche)))
                return (null, Marketplace.BuildingBlocks.Results.Error.Invalid("milestone_line", $"里程碑第 {i + 1} 行：天数应为整数，拨付金额应为数字（万元）", "MilestoneTemplate"));
            result.Add(new Marketplace.Scenarios.Awards.MilestoneTemplate(rows[i].Title?.Trim() ?? "", days, tranche, i == rows.Count - 1));
        }
        return (result, null);
    }

    /// <summary>After a text post, the rows the page shows are read from the text (so what was typed comes back as rows).</summary>
    public ScenarioForm WithRowsFromText()
    {
        if (!RubricRows.Any(r => !r.IsBlank) && ScenarioTerms.ParseRubric(Rubric).Rubric is { } rubric) RubricRows = rubric.Select(RubricRow.From).ToList();
        if (!MilestoneRows.Any(r => !r.IsBlank) && ScenarioTerms.ParseMilestones(MilestoneTemplate).Milestones is { } steps) MilestoneRows = steps.Select(MilestoneRow.From).ToList();
        return this;
    }

    /// <summary>Every problem of the form: binding errors already in the model state, unreadable lines, and the rules.</summary>
    public bool Validate(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state, Func<CreateScenarioCommand, IReadOnlyList<Marketplace.BuildingBlocks.Results.Error>> rules)
    {
        var errors = ParseErrors().Concat(rules(ToCommand())).Where(e => e.Field is null || state[e.Field]?.Errors.Count is null or 0).ToList();
        errors.AddTo(state);
        return state.IsValid;
    }

    public static ScenarioForm From(Scenario s) => new()
    {
        Title = s.Title, Summary = s.Summary, Description = s.Description, Category = s.Category, Domain = s.Domain, Location = s.Location,
        Technologies = string.Join("、", s.Technologies), OwnerDepartment = s.OwnerDepartment, BudgetMinWan = s.BudgetMinWan,
        BudgetMaxWan = s.BudgetMaxWan, Mode = s.Mode, AwardSlots = s.AwardSlots, ClosesAt = BeijingCalendar.LocalTime(s.ClosesAt),
        RequiredQualifications = string.Join("、", s.RequiredQualifications), MinRegisteredCapitalWan = s.MinRegisteredCapitalWan,
        FundingMode = s.FundingMode, RubricRows = s.Rubric.Select(RubricRow.From).ToList(), MilestoneRows = s.MilestoneTemplate.Select(MilestoneRow.From).ToList(),
        Visibility = s.Visibility, PartnerRegions = s.PartnerRegions.ToList(), AllowedRegions = string.Join("、", s.AllowedRegions),
        ExcludeWinnersWithinYears = s.ExcludeWinnersWithinYears, ResponsiblePerson = s.ResponsiblePerson,
    };

    public static string[] SplitList(string? text) =>
        (text ?? "").Split(['、', ',', '，', ';', '；', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A rubric row as typed: text, so an unreadable weight comes back with a message, not a binding error.</summary>
public sealed class RubricRow
{
    [StringLength(60, ErrorMessage = Bounds.Text)] public string? Name { get; set; }
    [StringLength(20, ErrorMessage = Bounds.Text)] public string? Weight { get; set; }
    public bool IsBlank => string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Weight);
    public static RubricRow From(Marketplace.Scenarios.Reviews.Criterion c) =>
        new() { Name = c.Name, Weight = c.Weight.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>A milestone row as typed: deliverable, days after the award, funding tranche in 万元.</summary>
public sealed class MilestoneRow
{
    [StringLength(80, ErrorMessage = Bounds.Text)] public string? Title { get; set; }
    [StringLength(20, ErrorMessage = Bounds.Text)] public string? Days { get; set; }
    [StringLength(20, ErrorMessage = Bounds.Text)] public string? TrancheWan { get; set; }
    public bool IsBlank => string.IsNullOrWhiteSpace(Title) && string.IsNullOrWhiteSpace(Days) && string.IsNullOrWhiteSpace(TrancheWan);
    public static MilestoneRow From(Marketplace.Scenarios.Awards.MilestoneTemplate m) => new()
    {
        Title = m.Title, Days = m.OffsetDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TrancheWan = m.TrancheWan.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>Changing the terms of a published scenario (变更条款): what may change, and a note applicants read.</summary>
public sealed class TermsForm
{
    [Display(Name = "申报截止（北京时间）")] public DateTime? ClosesAt { get; set; }
    [Display(Name = "预算上限（万元）")] public decimal BudgetMaxWan { get; set; }
    [Display(Name = "资质要求（用顿号或逗号分隔）"), StringLength(1000, ErrorMessage = Bounds.Text)] public string? RequiredQualifications { get; set; }
    [Display(Name = "注册资本门槛（万元）")] public decimal MinRegisteredCapitalWan { get; set; }
    [Display(Name = "问题描述"), StringLength(10000, ErrorMessage = Bounds.Text)] public string? Description { get; set; }
    [Display(Name = "变更说明（申报企业会在邮件中看到）"), StringLength(1000, ErrorMessage = Bounds.Text)] public string? ChangeNote { get; set; }

    public static TermsForm From(Scenario s) => new()
    {
        ClosesAt = BeijingCalendar.LocalTime(s.ClosesAt), BudgetMaxWan = s.BudgetMaxWan, RequiredQualifications = string.Join("、", s.RequiredQualifications),
        MinRegisteredCapitalWan = s.MinRegisteredCapitalWan, Description = s.Description,
    };

    public ChangeTermsCommand ToCommand(Guid scenarioId) => new(scenarioId, ClosesAt is { } local ? BeijingCalendar.FromLocal(local) : null,
        BudgetMaxWan, ScenarioForm.SplitList(RequiredQualifications), MinRegisteredCapitalWan, Description, ChangeNote);
}

public sealed class ApplicationForm
{
    [Display(Name = "技术方案"), StringLength(20000, ErrorMessage = Bounds.Text)] public string? Approach { get; set; }
    [Display(Name = "报价（万元）")] public decimal QuotedBudgetWan { get; set; }
    [Display(Name = "项目团队（负责人、核心成员及分工）"), StringLength(5000, ErrorMessage = Bounds.Text)] public string? Team { get; set; }
    [Display(Name = "进度安排"), StringLength(5000, ErrorMessage = Bounds.Text)] public string? Schedule { get; set; }
    [Display(Name = "过往案例"), StringLength(5000, ErrorMessage = Bounds.Text)] public string? PastCases { get; set; }
    [Display(Name = "联合体成员（可选，填写成员单位的统一社会信用代码，每行一个，最多 4 家）"), StringLength(500, ErrorMessage = Bounds.Text)] public string? ConsortiumMembers { get; set; }
    [Display(Name = "本企业承诺申报材料真实、准确、完整")] public bool DeclaredTruthful { get; set; }
    [Display(Name = "本企业承诺本项目未重复申请财政资金支持")] public bool DeclaredNoDoubleFunding { get; set; }
    /// <summary>"draft" saves without submitting.</summary>
    public string? Action { get; set; }

    public bool IsDraft => Action == "draft";

    public static ApplicationForm From(OwnApplication? own, IReadOnlyList<string> memberCodes) => own is null ? new() : new()
    {
        Approach = own.Approach, QuotedBudgetWan = own.QuotedBudgetWan, Team = own.Team, Schedule = own.Schedule, PastCases = own.PastCases,
        DeclaredTruthful = own.DeclaredTruthful, DeclaredNoDoubleFunding = own.DeclaredNoDoubleFunding, ConsortiumMembers = string.Join('\n', memberCodes),
    };

    public IReadOnlyList<string> MemberCodes => SplitCodes(ConsortiumMembers);

    public static IReadOnlyList<string> SplitCodes(string? text) =>
        ScenarioForm.SplitList(text).Select(c => c.ToUpperInvariant()).Distinct().ToList();
}

public static class Applicants
{
    /// <summary>Credit codes of consortium members, for showing the form again.</summary>
    public static async Task<IReadOnlyList<string>> CodesAsync(IEnumerable<Guid> ids, EnterpriseStore enterprises, CancellationToken ct)
    {
        var codes = new List<string>();
        foreach (var id in ids)
            if (await enterprises.GetAsync(id, ct) is { } firm) codes.Add(firm.CreditCode);
        return codes;
    }
}

/// <summary>Links that keep the current filters and change one of them (the facet links).</summary>
public static class QueryStrings
{
    public static string With(Dictionary<string, string?> current, string key, string? value)
    {
        current[key] = value;
        return "?" + string.Join("&", current.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
    }
}
