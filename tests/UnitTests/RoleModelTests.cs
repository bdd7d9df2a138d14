using Marketplace.Matching;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.UnitTests;

public sealed class RoleModelTests
{
    private static ScenarioDocument Scenario(string title, string summary) => new(
        Guid.NewGuid(), "SC-8", title, summary, "希望在园区部署控制终端。", "smart-city", "能源", "园区",
        [], "published", DateTimeOffset.UtcNow.AddDays(10), [], 0, []);

    private static readonly ScenarioDocument WantsItBuilt = Scenario("冷库可调负荷需求响应", "聚合冷库负荷参与需求响应。");

    private static IReadOnlyList<string> Mismatches(ScenarioDocument s, string description) =>
        RoleModel.Default.Mismatches(RoleModel.Default.WantedBy(s), LuceneSearchEngineTests.Firm("甲", description, []))
            .Select(r => r.Name).ToList();

    [Fact]
    public void TheLexicon_IsReadFromItsDataFile_EveryRoleWithCues()
    {
        Assert.Equal(["testing", "training", "simulation", "consulting", "reselling", "manual", "operator"], RoleModel.Default.Roles.Select(r => r.Name));
        Assert.All(RoleModel.Default.Roles, r => Assert.NotEmpty(r.FirmCues));
    }

    [Theory]
    [InlineData("能源咨询机构，为开发区编制虚拟电厂建设规划。", "consulting")]
    [InlineData("电力市场仿真培训软件开发商，为高校提供模拟演练系统。", "training")]
    [InlineData("第三方检测机构，出具检测报告。", "testing")]
    [InlineData("智慧交通系统集成商，承接工程施工，设备主要采购自合作厂商。", "reselling")]
    [InlineData("公园绿地养护与保洁服务商，承担园路清扫。", "manual")]
    [InlineData("古树养护工程企业，承接园林整治，客户包括检测机构。", null)]
    [InlineData("劳务派遣公司，为园区提供值守人员。", "manual")]
    [InlineData("城镇污水处理厂委托运营企业，提供运营托管。", "operator")]
    [InlineData("会展策划公司，自建线上展厅小程序。", "consulting")]
    [InlineData("全国连锁第三方医学检验机构，开展临床检验。", "testing")]
    [InlineData("物业管理公司，为住宅小区提供物业服务。", "operator")]
    [InlineData("智能视觉终端厂商，产品通过渠道商进入园区和学校。", null)]
    [InlineData("演出票务服务商，提供实名核验闸机和退票转售平台。", null)]
    public void AFirmNamingAnotherRoleInItsProfile_IsAMismatchForAScenarioThatWantsSomethingBuilt(string description, string? role)
    {
        var found = Mismatches(WantsItBuilt, description);
        if (role is null) Assert.Empty(found);
        else Assert.Contains(role, found);
    }

    [Fact]
    public void AFirmThatBuildsAndAlsoTrains_IsNotATrainer() =>
        Assert.Empty(Mismatches(WantsItBuilt, "负荷控制终端厂商，提供系统部署、运维和培训服务，客户包括物流企业和医疗机构。"));

    [Fact]
    public void AFirmThatPlans_FitsAScenarioThatAsksForAPlan() =>
        Assert.Empty(Mismatches(Scenario("虚拟电厂建设规划编制", "编制全区虚拟电厂专项规划。"), "能源咨询机构，为开发区编制虚拟电厂建设规划。"));

    [Fact]
    public void AdditionalLines_ParseInTheSameFormat()
    {
        var roles = RoleModel.Parse(["# comment", "testing | 检测 | 检测机构, 认证机构 | 检测服务", "bad line"]);
        var role = Assert.Single(roles);
        Assert.Equal(["检测机构", "认证机构"], role.FirmCues);
        Assert.Equal(["检测服务"], role.DemandCues);
    }

    [Fact]
    public async Task Recommender_RanksTheConsultantBelowAnEquallyWordedBuilderAndSaysWhy()
    {
        using var engine = new LuceneSearchEngine(null, Thesaurus.Load(), TimeProvider.System);
        var consultant = LuceneSearchEngineTests.Firm("乙", "能源咨询机构，评估冷库负荷参与需求响应的可调潜力。", []);
        var builder = LuceneSearchEngineTests.Firm("丙", "能源科技企业，评估冷库负荷参与需求响应的可调潜力。", []);
        await engine.UpsertEnterprisesAsync([consultant, builder], default);

        var recs = await new Recommender(engine, Thesaurus.Load(), Options.Create(new MatchingOptions())).ForScenarioAsync(WantsItBuilt, 10, default);
        var off = await new Recommender(engine, Thesaurus.Load(), Options.Create(new MatchingOptions { Weights = { Role = 0 } })).ForScenarioAsync(WantsItBuilt, 10, default);

        Assert.Equal([builder.Id, consultant.Id], recs.Select(r => r.Enterprise.Id));
        Assert.Contains(recs[1].Reasons, r => r.Kind == "conflict" && r.Text.Contains("咨询"));
        Assert.DoesNotContain(off.SelectMany(r => r.Reasons), r => r.Template == ReasonTemplates.Role);
    }
}
