using Marketplace.Matching;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.UnitTests;

public sealed class DeliveryFitTests : IDisposable
{
    private static ScenarioDocument Scenario(string description, string title = "学生视力健康筛查与管理平台", string summary = "为中小学建立视力筛查和建档平台。") => new(
        Guid.NewGuid(), "SC-9", title, summary, description, "livable-city", "智慧教育", "全区",
        ["大数据"], "published", DateTimeOffset.UtcNow.AddDays(10), [], 0, []);

    private static EnterpriseDocument Firm(string description, params string[] cases) =>
        LuceneSearchEngineTests.Firm("甲公司", description, []) with { Cases = cases };

    [Fact]
    public void PublicCloudOffer_ConflictsWithDataKeptInTheSectorNetwork()
    {
        var s = Scenario("希望建设视力管理平台。学生健康数据须存储在区教育专网。");

        var saas = DeliveryFit.Assess(s, Firm("视力筛查管理工具，产品以公有云SaaS方式按年订阅。"));
        var onPremise = DeliveryFit.Assess(s, Firm("屈光档案系统，可私有化部署。"));

        Assert.Equal(-1, Assert.Single(saas).Value);
        Assert.Contains("公有云", saas[0].Reason);
        Assert.True(Assert.Single(onPremise).Value > 0);
    }

    [Fact]
    public void AGovernmentCloudProvider_IsNotAPublicCloudOffer() =>
        Assert.Empty(DeliveryFit.Assess(Scenario("希望建设视力管理平台。学生健康数据须存储在区教育专网。"), Firm("政务云服务商，为区县提供云主机和数据库服务。")));

    [Fact]
    public void WithoutADataResidencyDemand_HowAFirmDeploysSaysNothing()
    {
        var s = Scenario("希望建设视力管理平台，每学期筛查两次。");
        Assert.Empty(DeliveryFit.Assess(s, Firm("视力筛查管理工具，产品以公有云SaaS方式按年订阅。")));
        Assert.Empty(DeliveryFit.Assess(s, Firm("屈光档案系统，可私有化部署。")));
    }

    [Fact]
    public void CommercialUse_ConflictsOnlyWhereTheScenarioForbidsIt()
    {
        var firm = Firm("近视防控工具，家长端含视光产品商城。");
        Assert.Contains(DeliveryFit.Assess(Scenario("数据不得用于商业营销。"), firm), f => f.Value < 0 && f.Reason.StartsWith("数据使用"));
        Assert.Empty(DeliveryFit.Assess(Scenario("希望建设视力管理平台。"), firm));
    }

    [Fact]
    public void ANamedLicence_FitsTheFirmHoldingItAndConflictsWithOneStillApplying()
    {
        var s = Scenario("希望配置便携式验光设备。设备须取得第二类医疗器械注册证。");

        var held = DeliveryFit.Assess(s, Firm("眼科设备制造商，手持验光仪已取得二类医疗器械注册证。"));
        var pending = DeliveryFit.Assess(s, Firm("眼科设备初创企业，手持验光仪的医疗器械注册证正在办理中。"));
        var silent = DeliveryFit.Assess(s, Firm("眼科设备制造商，产品出口四十多个国家。"));
        var otherLicence = DeliveryFit.Assess(s, Firm("软件企业，已取得软件著作权和ISO9001认证，部分产品认证中。"));

        Assert.Equal(DeliveryFit.FitValue, Assert.Single(held).Value);
        Assert.Equal(["医疗器械注册证"], held[0].Args!);
        Assert.Equal(DeliveryFit.ConflictValue, Assert.Single(pending).Value);
        Assert.Empty(silent);
        Assert.Empty(otherLicence);
    }

    [Fact]
    public void AStandaloneProduct_ConflictsWithRequiredIntegration_AndSayingItIntegratesProvesNothing()
    {
        var s = Scenario("希望建设访客管理系统，与楼宇门禁和车辆道闸联动。");
        Assert.Equal(DeliveryFit.ConflictValue, Assert.Single(DeliveryFit.Assess(s, Firm("生产访客登记一体机，提供单机版登记软件。"))).Value);
        Assert.Empty(DeliveryFit.Assess(s, Firm("访客管理软件，支持与门禁和道闸对接。")));
        Assert.Empty(DeliveryFit.Assess(Scenario("希望建设访客管理系统。"), Firm("生产访客登记一体机，提供单机版登记软件。")));
    }

    [Fact]
    public void DeployingSomethingWithLocalCharacter_IsNotADataResidencyDemand() =>
        Assert.DoesNotContain(DeliveryFit.DemandsOf(Scenario("希望部署具有本地文化特色形象的AI数字人。")).Items, d => d.Constraint.Name == "on-premise");

    [Fact]
    public void TheLexicon_NamesOnlyKnownConstraints_AndEveryReasonHasItsTemplate()
    {
        Assert.Equal(["on-premise", "no-commercial-use", "integration", "licence"], DeliveryFit.Constraints.Select(c => c.Name));
        Assert.Throws<FormatException>(() => DeliveryFit.Parse(["unknown | a | — | b"]));
        Assert.Throws<FormatException>(() => DeliveryFit.Parse(["on-premise | a | b"]));
        foreach (var c in DeliveryFit.Constraints)
            Assert.All(new[] { c.FitReason, c.ConflictReason }.Where(r => r.Length > 0), r => Assert.Contains(r, ReasonTemplates.All));
    }

    private readonly LuceneSearchEngine _engine = new(null, Thesaurus.Load(), TimeProvider.System);

    [Fact]
    public async Task Recommender_RanksTheConflictingFirmBelowAnEquallyWordedOneAndSaysWhy()
    {
        var s = Scenario("希望建设学生视力健康管理平台，筛查结果自动上传建档。学生健康数据须存储在区教育专网。");
        var saas = Firm("学生视力筛查与建档管理平台，筛查结果自动上传建档，以公有云SaaS方式提供。");
        var plain = Firm("学生视力筛查与建档管理平台，筛查结果自动上传建档，服务多所中小学。");
        await _engine.UpsertEnterprisesAsync([saas, plain], default);

        var recs = await new Recommender(_engine, Thesaurus.Load(), Options.Create(new MatchingOptions())).ForScenarioAsync(s, 10, default);

        Assert.Equal([plain.Id, saas.Id], recs.Select(r => r.Enterprise.Id));
        Assert.Contains(recs[1].Reasons, r => r.Kind == "conflict" && r.Text.Contains("专网"));
    }

    [Fact]
    public async Task PastCasesNamingSeveralAskedForWords_LiftAFirmAboveOneThatOnlyDescribesItself()
    {
        // Both firms say the same about themselves; only one has delivered what the scenario asks for.
        var s = Scenario("希望为全区中小学配置验光设备。", title: "中小学生视力筛查建档", summary: "为中小学生开展视力筛查并建立屈光档案。");
        var described = Firm("眼健康数字化服务商，提供屈光检测设备和档案软件。");
        var delivered = Firm("眼健康数字化服务商，提供屈光检测设备和档案软件。", "为某区中小学生开展视力筛查，建立屈光档案");
        var oneWord = Firm("眼健康数字化服务商，提供屈光检测设备和档案软件。", "为某医院提供视力检查设备");
        await _engine.UpsertEnterprisesAsync([described, delivered, oneWord], default);

        var withCases = await RankAsync(new RetrievalTuning());
        var withoutCases = await RankAsync(new RetrievalTuning { CasesWeight = 0 });

        Assert.Equal(delivered.Id, withCases[0]);
        // A case sharing a single word with the scenario is not evidence: it gains nothing over the self-description.
        Assert.Equal(withoutCases.IndexOf(oneWord.Id) < withoutCases.IndexOf(described.Id), withCases.IndexOf(oneWord.Id) < withCases.IndexOf(described.Id));

        async Task<List<Guid>> RankAsync(RetrievalTuning tuning)
        {
            using var engine = new LuceneSearchEngine(null, Thesaurus.Load(), TimeProvider.System, tuning);
            await engine.UpsertEnterprisesAsync([described, delivered, oneWord], default);
            var hits = await engine.RetrieveEnterprisesAsync(new EnterpriseRetrievalQuery(s.Title, s.Summary + "\n" + s.Description, s.Technologies,
                new EligibilityRules([], 0, []), 10, Core: s.Title + "\n" + s.Summary), default);
            return hits.Select(h => h.Enterprise.Id).ToList();
        }
    }

    public void Dispose() => _engine.Dispose();
}

public sealed class CaseReasonTests : IDisposable
{
    private readonly LuceneSearchEngine _engine = new(null, Thesaurus.Load(), TimeProvider.System);

    [Fact]
    public async Task AFirmWhoseCaseNamesTheProblem_ShowsThatCaseAsItsReason()
    {
        var s = new ScenarioDocument(Guid.NewGuid(), "SC-7", "老旧小区智慧用电安全监测", "为老旧小区配电箱安装智慧用电监测终端。",
            "希望发现线路过载和漏电隐患。", "livable-city", "安全", "街道", ["物联网"], "published", DateTimeOffset.UtcNow.AddDays(10), [], 0, []);
        var firm = LuceneSearchEngineTests.Firm("丙电气", "建筑配电物联网企业，主打配电箱守护终端。", ["物联网"]) with
        {
            Cases = ["为某县城区120栋老旧小区住宅楼加装智慧用电监测终端"],
        };
        await _engine.UpsertEnterprisesAsync([firm], default);

        var recs = await new Recommender(_engine, Thesaurus.Load(), Options.Create(new MatchingOptions())).ForScenarioAsync(s, 5, default);

        var reason = Assert.Single(recs).Reasons.Single(r => r.Kind is "case" or "text");
        Assert.Equal("case", reason.Kind);
        Assert.Contains("120栋老旧小区", reason.Text);
    }

    public void Dispose() => _engine.Dispose();
}
