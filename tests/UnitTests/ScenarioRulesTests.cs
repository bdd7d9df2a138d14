using Marketplace.Scenarios.Listings;

namespace Marketplace.UnitTests;

public sealed class ScenarioRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    internal static Scenario Sample(string status = ScenarioStatus.Published, DateTimeOffset? closesAt = null,
        string[]? qualifications = null, decimal minCapital = 0, string[]? regions = null) => new(
        Guid.NewGuid(), "SC-2026-001", "老旧小区智能垃圾分类", "在老旧小区改造智能投放点。", "厨余垃圾分出率偏低，需要智能投放设备和督导。",
        ScenarioCategory.SmartCity, "数字化社区", "宋庄镇", ["物联网"], "2026年第一批", "区科委", 0, 100, ScenarioMode.Single, 1,
        Now.AddDays(-1), closesAt ?? Now.AddDays(10), qualifications ?? [], minCapital, regions ?? [], status,
        status == ScenarioStatus.Draft ? null : Now.AddDays(-1));

    [Fact]
    public void CheckCanPublish_WhenDraftWithFutureDeadline_Allows() =>
        Assert.Null(Sample(ScenarioStatus.Draft).CheckCanPublish(Now));

    [Fact]
    public void CheckCanPublish_WhenAlreadyPublished_RefusesNotPublishable() =>
        Assert.Equal("scenario_not_publishable", Sample().CheckCanPublish(Now)?.Code);

    [Fact]
    public void CheckCanPublish_WhenDeadlinePassed_RefusesDeadlinePassed() =>
        Assert.Equal("scenario_deadline_passed", Sample(ScenarioStatus.Draft, Now.AddMinutes(-1)).CheckCanPublish(Now)?.Code);

    [Fact]
    public void CheckAcceptsApplications_WhenOpen_Allows() => Assert.Null(Sample().CheckAcceptsApplications(Now));

    [Fact]
    public void CheckAcceptsApplications_AtTheDeadline_RefusesClosed() =>
        Assert.Equal("scenario_closed", Sample(closesAt: Now).CheckAcceptsApplications(Now)?.Code);

    [Fact]
    public void CheckAcceptsApplications_WhenDraft_RefusesNotOpen() =>
        Assert.Equal("scenario_not_open", Sample(ScenarioStatus.Draft).CheckAcceptsApplications(Now)?.Code);

    [Fact]
    public void CheckEligibility_WhenAllRulesFail_ReportsEachRule()
    {
        var s = Sample(qualifications: ["高新技术企业"], minCapital: 500, regions: ["通州区"]);
        var errors = s.CheckEligibility(new ApplicantFacts(Guid.NewGuid(), [], 100, "外省市·上海市浦东新区"));
        Assert.Equal(["missing_qualification", "registered_capital_too_low", "region_not_allowed"], errors.Select(e => e.Code));
    }

    [Fact]
    public void CheckEligibility_WhenFirmMeetsRules_ReportsNothing()
    {
        var s = Sample(qualifications: ["高新技术企业"], minCapital: 500, regions: ["通州区", "北三县"]);
        Assert.Empty(s.CheckEligibility(new ApplicantFacts(Guid.NewGuid(), ["高新技术企业"], 500, "北三县·三河市")));
    }
}
