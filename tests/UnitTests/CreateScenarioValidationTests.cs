using Marketplace.Scenarios.Listings;

namespace Marketplace.UnitTests;

public sealed class CreateScenarioValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static CreateScenarioCommand Valid() => new(
        "社区智能垃圾分类", "在老旧小区改造智能投放点并联动收运。", "厨余垃圾分出率不足百分之十五，夜间无人督导，需要智能投放与识别设备。",
        ScenarioCategory.SmartCity, "数字化社区", "宋庄镇", ["物联网", "人工智能"], "区科委", 100, 200, ScenarioMode.Single, 1,
        null, Now.AddDays(30), ["高新技术企业"], 300);

    [Fact]
    public void Validate_WhenComplete_ReportsNothing() => Assert.Empty(CreateScenario.Validate(Valid(), Now));

    [Fact]
    public void Validate_WhenEmpty_ReportsEveryMissingField()
    {
        var errors = CreateScenario.Validate(new CreateScenarioCommand(null, null, null, null, null, null, null, null, 0, 0, null, 1, null, null, null, 0), Now);
        Assert.Equal(
            ["title_length", "summary_length", "description_length", "category_unknown", "domain_required", "technologies_count", "closes_at_future"],
            errors.Select(e => e.Code));
        Assert.All(errors, e => Assert.NotNull(e.Field));
    }

    [Fact]
    public void Validate_WhenHorseRaceHasOneSlot_ReportsAwardSlots() =>
        Assert.Equal("award_slots", Assert.Single(CreateScenario.Validate(Valid() with { Mode = ScenarioMode.HorseRace }, Now)).Code);

    [Fact]
    public void Validate_WhenBudgetInverted_ReportsBudgetRange() =>
        Assert.Equal("budget_range", Assert.Single(CreateScenario.Validate(Valid() with { BudgetMinWan = 300 }, Now)).Code);

    [Fact]
    public void Validate_WhenDeadlineInPast_ReportsClosesAtFuture() =>
        Assert.Equal("closes_at_future", Assert.Single(CreateScenario.Validate(Valid() with { ClosesAt = Now.AddHours(-1) }, Now)).Code);
}
