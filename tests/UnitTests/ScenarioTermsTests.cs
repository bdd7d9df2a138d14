using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Attachments;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Scenarios.Reviews;

namespace Marketplace.UnitTests;

/// <summary>The rules of the terms officers set (rubric, milestones, visibility) and of the fuller eligibility.</summary>
public sealed class ScenarioTermsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<string> Codes(IEnumerable<Marketplace.BuildingBlocks.Results.Error> errors) => errors.Select(e => e.Code).ToList();

    [Fact]
    public void ParseRubric_ReadsNameAndWeightInEitherColon()
    {
        var (rubric, error) = ScenarioTerms.ParseRubric("技术方案:50\n团队：30\n\n报价 20");
        Assert.Null(error);
        Assert.Equal([new Criterion("技术方案", 50), new Criterion("团队", 30), new Criterion("报价", 20)], rubric);
    }

    [Fact]
    public void ParseRubric_WhenWeightIsNotANumber_NamesTheLine()
    {
        var (rubric, error) = ScenarioTerms.ParseRubric("技术方案:50\n团队:很多");
        Assert.Null(rubric);
        Assert.Equal("rubric_line", error?.Code);
        Assert.Contains("第 2 行", error!.Message);
    }

    [Fact]
    public void ParseMilestones_MarksTheLastLineFinal()
    {
        var (steps, error) = ScenarioTerms.ParseMilestones("方案评审|30\n试点|90|50\n验收|180|100");
        Assert.Null(error);
        Assert.Equal([false, false, true], steps!.Select(s => s.Final));
        Assert.Equal(50, steps![1].TrancheWan);
    }

    [Fact]
    public void ParseMilestones_WhenDaysMissing_RefusesTheLine() =>
        Assert.Equal("milestone_line", ScenarioTerms.ParseMilestones("方案评审").Error?.Code);

    [Fact]
    public void FormatAndParse_RoundTrip()
    {
        Assert.Equal(ScenarioTerms.DefaultRubric, ScenarioTerms.ParseRubric(ScenarioTerms.FormatRubric(ScenarioTerms.DefaultRubric)).Rubric);
        Assert.Equal(ScenarioTerms.DefaultMilestones, ScenarioTerms.ParseMilestones(ScenarioTerms.FormatMilestones(ScenarioTerms.DefaultMilestones)).Milestones);
    }

    [Fact]
    public void Check_ReportsEveryBrokenTerm()
    {
        var errors = ScenarioTerms.Check("众筹", [new Criterion("技", 0), new Criterion("技", 10)],
            [new MilestoneTemplate("试点", 90, -1, false), new MilestoneTemplate("验收", 30, 0, true)], "partners", ["上海"], 11);
        Assert.Equal(
            ["funding_mode_unknown", "rubric_name", "rubric_weight", "rubric_duplicate", "rubric_total", "milestone_order", "milestone_tranche", "partner_region_unknown", "exclude_winners_years"],
            Codes(errors));
    }

    [Theory]
    [InlineData(new[] { 40.0, 20.0, 20.0, 20.0 }, null)]
    [InlineData(new[] { 50.0, 30.0, 30.0 }, "评审权重合计应为 100（当前为 110）")]
    [InlineData(new[] { 33.3, 33.3, 33.3 }, "评审权重合计应为 100（当前为 99.9）")]
    public void Check_RubricWeights_MustAddUpTo100(double[] weights, string? message)
    {
        var rubric = weights.Select((w, i) => new Criterion($"指标{i + 1}", (decimal)w)).ToList();
        var error = ScenarioTerms.Check(null, rubric, null, "public", [], 0).SingleOrDefault(e => e.Code == "rubric_total");
        Assert.Equal(message, error?.Message);
        if (error is not null) Assert.Equal("Rubric", error.Field);
    }

    [Fact]
    public void Check_PartnersWithoutRegions_IsRefused() =>
        Assert.Equal(["partner_regions_required"], Codes(ScenarioTerms.Check(null, null, null, "partners", [], 0)));

    [Fact]
    public void Check_Defaults_AreValid() =>
        Assert.Empty(ScenarioTerms.Check(ScenarioTerms.FundingModes[0], ScenarioTerms.DefaultRubric, ScenarioTerms.DefaultMilestones, "public", [], 3));

    [Fact]
    public void PartnerScenario_IsVisibleToHomeDistrictAndNamedPartnersOnly()
    {
        var s = ScenarioRulesTests.Sample() with { Visibility = ScenarioVisibility.Partners, PartnerRegions = ["北三县·三河市"] };
        Assert.True(s.IsVisibleTo("通州区·宋庄镇", false));
        Assert.True(s.IsVisibleTo("北三县·三河市", false));
        Assert.False(s.IsVisibleTo("北三县·香河县", false));
        Assert.False(s.IsVisibleTo(null, false));
        Assert.True(s.IsVisibleTo(null, isStaff: true));
        Assert.Equal("region_not_allowed", s.CheckEligibility(new ApplicantFacts(Guid.NewGuid(), [], 0, "雄安新区")).Single().Code);
    }

    [Fact]
    public void DraftScenario_IsNotVisibleToFirms() =>
        Assert.False(ScenarioRulesTests.Sample(ScenarioStatus.Draft).IsVisibleTo("通州区·宋庄镇", false));

    [Fact]
    public void CheckEligibility_SuspendedOnTheClosingDay_IsRefused()
    {
        var s = ScenarioRulesTests.Sample(closesAt: new DateTimeOffset(2026, 12, 10, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal("enterprise_suspended",
            s.CheckEligibility(new ApplicantFacts(Guid.NewGuid(), [], 0, "通州区·宋庄镇", SuspendedUntil: new DateOnly(2026, 12, 10))).Single().Code);
        Assert.Empty(s.CheckEligibility(new ApplicantFacts(Guid.NewGuid(), [], 0, "通州区·宋庄镇", SuspendedUntil: new DateOnly(2026, 12, 9))));
    }

    [Fact]
    public void CheckEligibility_RecentWinner_IsExcludedOnlyWhenTheRuleSaysSo()
    {
        var facts = new ApplicantFacts(Guid.NewGuid(), [], 0, "通州区·宋庄镇", LastAwardedAt: Now.AddYears(-1));
        Assert.Empty(ScenarioRulesTests.Sample().CheckEligibility(facts));
        Assert.Equal("recent_winner_excluded", (ScenarioRulesTests.Sample() with { ExcludeWinnersWithinYears = 2 }).CheckEligibility(facts).Single().Code);
        Assert.Empty((ScenarioRulesTests.Sample() with { ExcludeWinnersWithinYears = 2 }).CheckEligibility(facts with { LastAwardedAt = Now.AddYears(-3) }));
    }

    private static SubmitApplicationCommand Proposal(bool draft = false, IReadOnlyList<ApplicantFacts>? members = null, Guid? lead = null) => new(
        Guid.NewGuid(), new ApplicantFacts(lead ?? Guid.NewGuid(), [], 0, "通州区·宋庄镇"), Guid.NewGuid(),
        "部署智能投放设备和督导平台，分两期实施完成。", 10, "项目负责人张工，核心成员五人。", "第一个月设计，第二个月部署。", null,
        DeclaredTruthful: true, DeclaredNoDoubleFunding: true, members, draft);

    [Fact]
    public void ValidateApplication_Complete_Passes() => Assert.Empty(SubmitApplication.Validate(Proposal()));

    [Fact]
    public void ValidateApplication_WithoutDeclarationsTeamOrSchedule_ReportsEach()
    {
        var c = Proposal() with { Team = "", Schedule = null, DeclaredTruthful = false, DeclaredNoDoubleFunding = false };
        Assert.Equal(["team_required", "schedule_required", "declaration_truthful", "declaration_no_double_funding"], Codes(SubmitApplication.Validate(c)));
    }

    [Fact]
    public void ValidateApplication_Draft_NeedsOnlyLengths()
    {
        var c = Proposal(draft: true) with { Approach = "初稿", Team = null, Schedule = null, DeclaredTruthful = false };
        Assert.Empty(SubmitApplication.Validate(c));
    }

    [Fact]
    public void ValidateApplication_ConsortiumOfMoreThanFourOrWithTheLead_IsRefused()
    {
        ApplicantFacts Member(Guid? id = null) => new(id ?? Guid.NewGuid(), [], 0, "通州区·宋庄镇");
        Assert.Equal(["consortium_size"], Codes(SubmitApplication.Validate(Proposal(members: [Member(), Member(), Member(), Member(), Member()]))));
        var lead = Guid.NewGuid();
        Assert.Equal(["consortium_lead_member"], Codes(SubmitApplication.Validate(Proposal(members: [Member(lead)], lead: lead))));
        var twin = Guid.NewGuid();
        Assert.Equal(["consortium_duplicate"], Codes(SubmitApplication.Validate(Proposal(members: [Member(twin), Member(twin)]))));
    }

    [Theory]
    [InlineData("方案.pdf", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, null)]
    [InlineData("照片.png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D }, null)]
    [InlineData("方案.pdf", new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, "file_content_mismatch")]
    [InlineData("工具.exe", new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, "file_type")]
    [InlineData("说明.txt", new byte[] { 0x61, 0x00, 0x62 }, "file_content_mismatch")]
    [InlineData("空.pdf", new byte[0], "file_empty")]
    public void AttachmentCheck_AcceptsDocumentsAndRefusesTheRest(string name, byte[] content, string? code) =>
        Assert.Equal(code, AttachmentStore.Check(name, content)?.Code);

    [Fact]
    public void AttachmentCheck_RefusesFilesOverTheLimit() =>
        Assert.Equal("file_too_large", AttachmentStore.Check("大.pdf", new byte[AttachmentStore.MaxBytes + 1])?.Code);

    [Fact]
    public void ApplicationFiles_AreSealedLikeTheApplication()
    {
        var firm = Guid.NewGuid();
        var open = new AttachmentContext { ApplicationId = Guid.NewGuid(), ApplicantId = firm, ScenarioStatus = ScenarioStatus.Published };
        var officer = new AttachmentViewer(Guid.NewGuid(), null, IsOfficer: true, IsReviewer: false);
        var reviewer = new AttachmentViewer(Guid.NewGuid(), null, false, IsReviewer: true);
        Assert.True(open.Allows(new AttachmentViewer(Guid.NewGuid(), firm, false, false)));
        Assert.False(open.Allows(officer));
        Assert.False(open.Allows(new AttachmentViewer(Guid.NewGuid(), Guid.NewGuid(), false, false)));
        var closed = open with { ScenarioStatus = ScenarioStatus.Reviewing };
        Assert.True(closed.Allows(officer));
        Assert.False(closed.Allows(reviewer));
        Assert.True((closed with { ViewerAssigned = true }).Allows(reviewer));
        Assert.False(closed.Allows(new AttachmentViewer(null, null, false, false)));
    }

    [Fact]
    public void MilestoneFiles_AreForTheDeliveringFirmAndOfficers()
    {
        var firm = Guid.NewGuid();
        var evidence = new AttachmentContext { MilestoneId = Guid.NewGuid(), MilestoneFirmId = firm, ScenarioStatus = ScenarioStatus.InDelivery };
        Assert.True(evidence.Allows(new AttachmentViewer(null, firm, false, false)));
        Assert.True(evidence.Allows(new AttachmentViewer(null, null, true, false)));
        Assert.False(evidence.Allows(new AttachmentViewer(null, Guid.NewGuid(), false, false)));
    }
}
