using Marketplace.BuildingBlocks.Time;
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

    /// <summary>
    /// The seal: until a scenario's window has closed, nobody but each applicant may learn that a firm applied, or how
    /// many did. The one C# definition; the SQL function <c>scenarios.applications_sealed</c> is tested against it.
    /// </summary>
    public static bool ApplicationsSealed(string status) => !Public.Contains(status) || status == Published;
}

public static class ScenarioCategory
{
    public const string SmartCity = "smart-city";
    public const string CulturalTourism = "cultural-tourism";
    public const string LivableCity = "livable-city";
    public static readonly IReadOnlyList<string> All = [SmartCity, CulturalTourism, LivableCity];

    /// <summary>The Chinese name of a category (the code itself when unknown).</summary>
    public static string Name(string category) => category switch
    {
        SmartCity => "“数字+”智慧城市",
        CulturalTourism => "“数字+”文化旅游",
        LivableCity => "“数字+”宜居城市",
        _ => category,
    };
}

/// <summary>Who sees a scenario: everyone, or the home district plus named partner regions (协同区域).</summary>
public static class ScenarioVisibility
{
    public const string Public = "public";
    public const string Partners = "partners";
    public const string HomeDistrict = "通州区";

    /// <summary>The partner regions a scenario can be shared with, as region prefixes of the directory.</summary>
    public static readonly IReadOnlyList<string> PartnerRegions = ["北三县·三河市", "北三县·大厂回族自治县", "北三县·香河县", "雄安新区"];
}

public static class ScenarioMode
{
    public const string Single = "single";
    public const string HorseRace = "horse_race";
}

/// <summary>What the scenario module needs to know about an applicant to check eligibility.</summary>
/// <param name="SuspendedUntil">The firm is suspended (e.g. 失信) up to and including this day (Beijing date).</param>
/// <param name="LastAwardedAt">When the firm last won an award (for rules that exclude recent winners).</param>
public sealed record ApplicantFacts(
    Guid EnterpriseId, IReadOnlyCollection<string> Qualifications, decimal RegisteredCapitalWan, string Region,
    DateOnly? SuspendedUntil = null, DateTimeOffset? LastAwardedAt = null)
{
    /// <summary>The one suspension rule: a firm suspended up to and including <paramref name="day"/> may not take part that day.</summary>
    public bool IsSuspendedOn(DateOnly day) => SuspendedUntil is { } until && until >= day;
}

/// <summary>
/// A scenario's hard rules as data (资格条件): what every place that admits or refuses a firm applies — submitting, the
/// re-check at the deadline, recommendations, automatic and manual invitations. Matching receives these values; it
/// does not derive them.
/// </summary>
/// <param name="RegionPrefixes">Registered region must start with one of these (empty: any region).</param>
/// <param name="SuspensionDay">A firm suspended on this day (the deadline's Beijing date) is not eligible.</param>
/// <param name="WinnersAwardedAfter">A firm whose last award is later than this is excluded (null: no such rule).</param>
public sealed record EligibilityTerms(
    IReadOnlyList<string> RequiredQualifications, decimal MinRegisteredCapitalWan, IReadOnlyList<string> RegionPrefixes,
    DateOnly SuspensionDay, DateTimeOffset? WinnersAwardedAfter, int ExcludeWinnersWithinYears)
{
    /// <summary>Every failing rule, not just the first.</summary>
    public IReadOnlyList<Error> Check(ApplicantFacts applicant)
    {
        var errors = new List<Error>();
        foreach (var q in RequiredQualifications.Where(q => !applicant.Qualifications.Contains(q)))
            errors.Add(Error.Forbidden("missing_qualification", $"缺少资质：{q}"));
        if (applicant.RegisteredCapitalWan < MinRegisteredCapitalWan)
            errors.Add(Error.Forbidden("registered_capital_too_low",
                $"注册资本 {applicant.RegisteredCapitalWan:0.##} 万元低于门槛 {MinRegisteredCapitalWan:0.##} 万元"));
        if (RegionPrefixes.Count > 0 && !RegionPrefixes.Any(r => applicant.Region.StartsWith(r, StringComparison.Ordinal)))
            errors.Add(Error.Forbidden("region_not_allowed", $"注册地不在允许范围（{string.Join("、", RegionPrefixes)}）"));
        if (applicant.IsSuspendedOn(SuspensionDay))
            errors.Add(Error.Forbidden("enterprise_suspended", $"企业处于暂停申报期（至 {applicant.SuspendedUntil:yyyy-MM-dd}）"));
        if (WinnersAwardedAfter is { } after && applicant.LastAwardedAt is { } won && won > after)
            errors.Add(Error.Forbidden("recent_winner_excluded", $"本场景不接受近 {ExcludeWinnersWithinYears} 年内已揭榜的企业申报"));
        return errors;
    }

    /// <summary>What a consortium member must meet: it may not be suspended (the lead carries the other rules).</summary>
    public Error? CheckMember(ApplicantFacts member) => member.IsSuspendedOn(SuspensionDay)
        ? Error.Forbidden("member_suspended", $"联合体成员处于暂停申报期（至 {member.SuspendedUntil:yyyy-MM-dd}）")
        : null;
}

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

    public string FundingMode { get; init; } = "";
    public IReadOnlyList<Reviews.Criterion> Rubric { get; init; } = ScenarioTerms.DefaultRubric;
    public IReadOnlyList<Awards.MilestoneTemplate> MilestoneTemplate { get; init; } = ScenarioTerms.DefaultMilestones;
    public string Visibility { get; init; } = ScenarioVisibility.Public;
    public IReadOnlyList<string> PartnerRegions { get; init; } = [];
    /// <summary>Firms that won an award within this many years before the deadline may not apply (0: no such rule).</summary>
    public int ExcludeWinnersWithinYears { get; init; }
    /// <summary>The person answerable for the scenario in the ledger (责任人).</summary>
    public string ResponsiblePerson { get; init; } = "";

    /// <summary>This scenario with the terms of a command (those the command leaves out keep their defaults).</summary>
    public Scenario WithTerms(CreateScenarioCommand c) => this with
    {
        FundingMode = c.FundingMode?.Trim() ?? "",
        Rubric = c.Rubric?.Select(r => r with { Name = r.Name.Trim() }).ToArray() ?? Rubric,
        MilestoneTemplate = c.MilestoneTemplate?.Select((m, i) => m with { Title = m.Title.Trim(), Final = m.Final || i == c.MilestoneTemplate.Count - 1 }).ToArray()
                            ?? MilestoneTemplate,
        Visibility = c.Visibility ?? ScenarioVisibility.Public,
        PartnerRegions = c.Visibility == ScenarioVisibility.Partners ? CreateScenario.Clean(c.PartnerRegions) : [],
        ExcludeWinnersWithinYears = c.ExcludeWinnersWithinYears,
        ResponsiblePerson = c.ResponsiblePerson?.Trim() ?? ResponsiblePerson,
    };

    /// <summary>
    /// The region rule that eligibility and matching apply: the allowed regions if set, otherwise for a scenario shared
    /// with partners the home district plus those partners, otherwise none.
    /// </summary>
    public IReadOnlyList<string> EffectiveRegionRule =>
        AllowedRegions.Count > 0 ? AllowedRegions
        : Visibility == ScenarioVisibility.Partners ? [ScenarioVisibility.HomeDistrict, .. PartnerRegions]
        : [];

    /// <summary>Index audience terms: "public", or the region prefixes that may see it.</summary>
    public IReadOnlyList<string> Audience => Visibility == ScenarioVisibility.Partners
        ? [ScenarioVisibility.HomeDistrict, .. PartnerRegions]
        : ["public"];

    /// <summary>Whether a viewer sees the scenario: officers always; others once published, and for a partner-only
    /// scenario only from the home district or a named partner region.</summary>
    public bool IsVisibleTo(string? viewerRegion, bool isStaff) =>
        isStaff || (IsPublic && (Visibility == ScenarioVisibility.Public
            || (viewerRegion is not null && Audience.Any(a => viewerRegion.StartsWith(a, StringComparison.Ordinal)))));

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

    /// <summary>The Beijing calendar day of the deadline: suspensions are judged on it.</summary>
    public DateOnly ClosingDay => BeijingCalendar.DateOf(ClosesAt);

    /// <summary>The scenario's hard rules as data; see <see cref="EligibilityTerms"/>.</summary>
    public EligibilityTerms Eligibility => new(RequiredQualifications, MinRegisteredCapitalWan, EffectiveRegionRule, ClosingDay,
        ExcludeWinnersWithinYears > 0 ? ClosesAt.AddYears(-ExcludeWinnersWithinYears) : null, ExcludeWinnersWithinYears);

    /// <summary>The hard rules a firm must meet; every failing rule is reported, not just the first.</summary>
    public IReadOnlyList<Error> CheckEligibility(ApplicantFacts applicant) => Eligibility.Check(applicant);
}

/// <summary>Conflicts every transition of a scenario can report.</summary>
public static class ScenarioErrors
{
    /// <summary>Another change moved the scenario on first (e.g. another officer decided a moment earlier).</summary>
    public static Error StateChanged() => Error.Conflict("scenario_state_changed", "场景状态已被他人更改，请刷新后查看最新状态");
}
