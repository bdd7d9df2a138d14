using Marketplace.BuildingBlocks.Results;

namespace Marketplace.Scenarios.Listings;

public static class ScenarioStatus
{
    public const string Draft = "draft";
    public const string Submitted = "submitted";
    public const string Published = "published";
    public const string Closed = "closed";
    public const string Reviewing = "reviewing";
    public const string Publicity = "publicity";
    public const string Awarded = "awarded";
    public const string InDelivery = "in_delivery";
    public const string Landed = "landed";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string Cancelled = "cancelled";
    public const string Terminated = "terminated";

    /// <summary>States a visitor may see: everything from publication on.</summary>
    public static readonly IReadOnlySet<string> Public = new HashSet<string>
    {
        Published, Closed, Reviewing, Publicity, Awarded, InDelivery, Landed, Cancelled, Terminated,
    };
}

public static class ScenarioCategory
{
    public const string SmartCity = "smart-city";
    public const string CulturalTourism = "cultural-tourism";
    public const string LivableCity = "livable-city";
    public static readonly IReadOnlyList<string> All = [SmartCity, CulturalTourism, LivableCity];
}

public static class ScenarioMode
{
    public const string Single = "single";
    public const string HorseRace = "horse_race";
}

/// <summary>What the scenario module needs to know about an applicant to check eligibility.</summary>
public sealed record ApplicantFacts(
    Guid EnterpriseId, IReadOnlyCollection<string> Qualifications, decimal RegisteredCapitalWan, string Region);

public sealed record Scenario(
    Guid Id,
    string Code,
    string Title,
    string Summary,
    string Description,
    string Category,
    string Domain,
    string Location,
    IReadOnlyList<string> Technologies,
    string Batch,
    string OwnerDepartment,
    decimal BudgetMinWan,
    decimal BudgetMaxWan,
    string Mode,
    int AwardSlots,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    IReadOnlyList<string> RequiredQualifications,
    decimal MinRegisteredCapitalWan,
    IReadOnlyList<string> AllowedRegions,
    string Status,
    DateTimeOffset? PublishedAt)
{
    public bool IsPublic => ScenarioStatus.Public.Contains(Status);

    public Error? CheckCanPublish(DateTimeOffset now)
    {
        if (Status is not (ScenarioStatus.Draft or ScenarioStatus.Submitted))
            return Error.Conflict("scenario_not_publishable", $"只有草稿或待审核的场景可以发布（当前状态：{Status}）");
        if (ClosesAt <= now)
            return Error.Invalid("scenario_deadline_passed", "申报截止时间已过，请先修改截止时间再发布", "ClosesAt");
        return null;
    }

    public Error? CheckAcceptsApplications(DateTimeOffset now)
    {
        if (Status != ScenarioStatus.Published && Status != ScenarioStatus.Closed)
            return Error.Conflict("scenario_not_open", "该场景当前不接受申报");
        if (now < OpensAt)
            return Error.Conflict("scenario_not_yet_open", "申报尚未开始");
        if (Status == ScenarioStatus.Closed || now >= ClosesAt)
            return Error.Conflict("scenario_closed", "申报已截止");
        return null;
    }

    /// <summary>The hard rules a firm must meet; every failing rule is reported, not just the first.</summary>
    public IReadOnlyList<Error> CheckEligibility(ApplicantFacts applicant)
    {
        var errors = new List<Error>();
        foreach (var q in RequiredQualifications.Where(q => !applicant.Qualifications.Contains(q)))
            errors.Add(Error.Forbidden("missing_qualification", $"缺少资质：{q}"));
        if (applicant.RegisteredCapitalWan < MinRegisteredCapitalWan)
            errors.Add(Error.Forbidden("registered_capital_too_low",
                $"注册资本 {applicant.RegisteredCapitalWan:0.##} 万元低于门槛 {MinRegisteredCapitalWan:0.##} 万元"));
        if (AllowedRegions.Count > 0 && !AllowedRegions.Any(r => applicant.Region.StartsWith(r, StringComparison.Ordinal)))
            errors.Add(Error.Forbidden("region_not_allowed", $"注册地不在允许范围（{string.Join("、", AllowedRegions)}）"));
        return errors;
    }
}
