using System.ComponentModel.DataAnnotations;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Web.Listings;

/// <summary>The filters of the scenario hall, as query-string parameters (q, category, domain, technology, location, status, page).</summary>
public sealed class ScenarioFilters
{
    public string? Q { get; set; }
    public string? Category { get; set; }
    public string? Domain { get; set; }
    public string? Technology { get; set; }
    public string? Location { get; set; }
    public string? Status { get; set; }
    public int Page { get; set; } = 1;

    public ScenarioSearchQuery ToQuery(int pageSize = 20) => new(
        Q, Category is not null && ScenarioCategory.All.Contains(Category) ? Category : null, Page: Math.Clamp(Page, 1, 1000), PageSize: pageSize,
        Domain: Blank(Domain), Technology: Blank(Technology), Location: Blank(Location), Status: Blank(Status));

    /// <summary>The query string of these filters with one of them changed (null removes it).</summary>
    public string With(string key, string? value) => QueryStrings.With(new()
    {
        ["q"] = Q, ["category"] = Category, ["domain"] = Domain, ["technology"] = Technology, ["location"] = Location, ["status"] = Status,
    }, key, value);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public sealed record ScenarioSearchPage(ScenarioFilters Filters, int Page, ScenarioSearchResult Result);

public sealed class CapabilityFilters
{
    public string? Q { get; set; }
    public string? Region { get; set; }
    public string? Industry { get; set; }
    public string? Technology { get; set; }
    public string? Qualification { get; set; }
    public int Page { get; set; } = 1;

    public EnterpriseSearchQuery ToQuery(int pageSize = 20) =>
        new(Q, Region, Industry, Technology, Qualification, Math.Clamp(Page, 1, 1000), pageSize);

    public string With(string key, string? value) => QueryStrings.With(new()
    {
        ["q"] = Q, ["region"] = Region, ["industry"] = Industry, ["technology"] = Technology, ["qualification"] = Qualification,
    }, key, value);
}

public sealed record CapabilitySearchPage(CapabilityFilters Filters, EnterpriseSearchResult Result);

public sealed record ScenarioPage(Scenario Scenario, OwnApplication? OwnApplication, bool CanApply, string? ApplyBlockedReason);

public sealed record RecommendationsPage(Scenario Scenario, IReadOnlyList<Recommendation> Recommendations, IReadOnlySet<Guid> Invited);

/// <summary>The scenario form as officers fill it in; times are Beijing time.</summary>
public sealed class ScenarioForm
{
    [Display(Name = "标题")] public string? Title { get; set; }
    [Display(Name = "摘要")] public string? Summary { get; set; }
    [Display(Name = "问题描述")] public string? Description { get; set; }
    [Display(Name = "场景类别")] public string? Category { get; set; } = ScenarioCategory.SmartCity;
    [Display(Name = "所属领域")] public string? Domain { get; set; }
    [Display(Name = "实施地点")] public string? Location { get; set; }
    [Display(Name = "关键技术（用顿号或逗号分隔）")] public string? Technologies { get; set; }
    [Display(Name = "牵头部门")] public string? OwnerDepartment { get; set; }
    [Display(Name = "预算下限（万元）")] public decimal BudgetMinWan { get; set; }
    [Display(Name = "预算上限（万元）")] public decimal BudgetMaxWan { get; set; }
    [Display(Name = "模式")] public string? Mode { get; set; } = ScenarioMode.Single;
    [Display(Name = "挂帅名额")] public int AwardSlots { get; set; } = 1;
    [Display(Name = "申报截止（北京时间）")] public DateTime? ClosesAt { get; set; }
    [Display(Name = "资质要求（用顿号或逗号分隔）")] public string? RequiredQualifications { get; set; }
    [Display(Name = "注册资本门槛（万元）")] public decimal MinRegisteredCapitalWan { get; set; }

    public CreateScenarioCommand ToCommand() => new(
        Title, Summary, Description, Category, Domain, Location, SplitList(Technologies), OwnerDepartment,
        BudgetMinWan, BudgetMaxWan, Mode, AwardSlots, null,
        ClosesAt is { } local ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Labels.Beijing) : null,
        SplitList(RequiredQualifications), MinRegisteredCapitalWan);

    public static string[] SplitList(string? text) =>
        (text ?? "").Split(['、', ',', '，', ';', '；', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class ApplicationForm
{
    [Display(Name = "技术方案")] public string? Approach { get; set; }
    [Display(Name = "报价（万元）")] public decimal QuotedBudgetWan { get; set; }
}

public static class Applicants
{
    public static ApplicantFacts ToFacts(EnterpriseProfile firm) =>
        new(firm.Id, firm.Qualifications.ToArray(), firm.RegisteredCapitalWan, firm.Region);
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
