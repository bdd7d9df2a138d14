using Marketplace.Matching;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Search.Meilisearch;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.IntegrationTests.Search;

/// <summary>
/// What every search engine must do, whichever it is. Runs against Lucene always and against a live Meilisearch
/// wherever MEILISEARCH_URL is set.
/// </summary>
public abstract class SearchEngineContract
{
    protected abstract Task<ISearchEngine> CreateAsync();

    private static ScenarioDocument Scenario(string title, string summary, string category = "smart-city", string status = "published", int days = 10) => new(
        Guid.NewGuid(), "SC-" + Guid.NewGuid().ToString("N")[..6], title, summary, summary + "。", category, "数字化社区", "宋庄镇",
        ["物联网"], status, DateTimeOffset.UtcNow.AddDays(days), [], 0, []);

    private static EnterpriseDocument Firm(string name, string description, string region = "通州区·宋庄镇", string[]? quals = null, decimal capital = 500) => new(
        Guid.NewGuid(), name, "数字经济", region, quals ?? ["高新技术企业"], capital, 120, ["物联网"], description, ["为某街道实施智能垃圾分类改造"], [], 0);

    [SkippableFact]
    public async Task Scenario_IsFoundByChineseTextAndHighlighted()
    {
        var engine = await CreateAsync();
        var target = Scenario("老旧小区智能垃圾分类投放改造", "改造智能投放点，设备安装简单、维护方便。");
        await engine.ReplaceAllAsync([target, Scenario("医学影像辅助诊断", "基层医院影像诊断。")], [], default);

        var result = await engine.SearchScenariosAsync(new ScenarioSearchQuery("垃圾分类"), default);

        var hit = Assert.Single(result.Hits);
        Assert.Equal(target.Id, hit.Id);
        Assert.Contains("<mark>", hit.TitleHtml);
    }

    [SkippableFact]
    public async Task Scenario_CategoryFilterAndCounts()
    {
        var engine = await CreateAsync();
        await engine.ReplaceAllAsync([
            Scenario("路内停车智能管理", "路内停车泊位。"), Scenario("景区停车诱导", "景区停车。", "cultural-tourism"),
            Scenario("园区充电停车位", "充电停车。", "livable-city")], [], default);

        var result = await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车", Category: "cultural-tourism"), default);

        Assert.Equal(1, result.Total);
        Assert.Equal(1, result.CategoryCounts["smart-city"]);
        Assert.Equal(1, result.CategoryCounts["cultural-tourism"]);
    }

    [SkippableFact]
    public async Task Scenario_OpenOnlyLeavesOutClosedOnes_AndRemovalTakesEffect()
    {
        var engine = await CreateAsync();
        var open = Scenario("智慧路灯改造", "路灯改造。");
        var closed = Scenario("智慧路灯运维", "路灯运维。", days: -1);
        await engine.ReplaceAllAsync([open, closed], [], default);

        Assert.Equal([open.Id], (await engine.SearchScenariosAsync(new ScenarioSearchQuery("路灯", OpenOnly: true), default)).Hits.Select(h => h.Id));
        await engine.RemoveScenarioAsync(open.Id, default);
        Assert.Empty((await engine.SearchScenariosAsync(new ScenarioSearchQuery("路灯", OpenOnly: true), default)).Hits);
    }

    [SkippableFact]
    public async Task Scenario_SharedWithPartners_IsFoundOnlyByViewersFromThoseRegions()
    {
        var engine = await CreateAsync();
        var shared = Scenario("跨界河道水质联合监测", "河道水质监测。") with { Audience = ["通州区", "北三县·三河市"] };
        var open = Scenario("河道巡查无人机", "河道巡查。");
        await engine.ReplaceAllAsync([shared, open], [], default);

        async Task<IReadOnlyList<Guid>> Seen(string? region) =>
            (await engine.SearchScenariosAsync(new ScenarioSearchQuery("河道", Audience: ScenarioAudience.ForViewer(region)), default)).Hits.Select(h => h.Id).ToList();
        Assert.Equal([open.Id], await Seen(null));
        Assert.Equal([open.Id], await Seen("外省市·上海市浦东新区"));
        Assert.Equal(2, (await Seen("北三县·三河市")).Count);
        Assert.Equal(2, (await Seen("通州区·宋庄镇")).Count);
        Assert.Equal(2, (await engine.SearchScenariosAsync(new ScenarioSearchQuery("河道", Audience: ScenarioAudience.All), default)).Total); // staff
        Assert.Equal([open.Id], (await engine.SearchScenariosAsync(new ScenarioSearchQuery("河道"), default)).Hits.Select(h => h.Id)); // no viewer named: public only
        var forFirm = await engine.RetrieveScenariosAsync(new ScenarioRetrievalQuery("河道 水质 监测", ["物联网"], 10, ScenarioAudience.ForViewer("雄安新区")), default);
        Assert.DoesNotContain(forFirm, c => c.Scenario.Id == shared.Id);
    }

    [SkippableFact]
    public async Task Enterprises_SuspendedOnTheClosingDay_AreNeverCandidates()
    {
        var engine = await CreateAsync();
        var closing = new DateOnly(2026, 12, 31);
        var active = Firm("在册物联", "智能垃圾分类投放设备");
        var suspended = Firm("暂停物联", "智能垃圾分类投放设备") with { SuspendedUntil = closing };
        var lapsed = Firm("已恢复物联", "智能垃圾分类投放设备") with { SuspendedUntil = closing.AddDays(-1) };
        await engine.ReplaceAllAsync([], [active, suspended, lapsed], default);

        var found = await engine.RetrieveEnterprisesAsync(new EnterpriseRetrievalQuery("智能垃圾分类", "智能投放设备", ["物联网"],
            new EligibilityRules([], 0, [], closing), 10), default);
        Assert.Equal(new[] { active.Id, lapsed.Id }.Order(), found.Select(c => c.Enterprise.Id).Order());
    }

    [SkippableFact]
    public async Task Enterprises_FailingAHardRuleAreNeverCandidates()
    {
        var engine = await CreateAsync();
        var good = Firm("智联物联", "智能垃圾分类投放设备与督导系统");
        var firms = new[]
        {
            good,
            Firm("无资质物联", "智能垃圾分类投放设备", quals: []),
            Firm("小资本物联", "智能垃圾分类投放设备", capital: 50),
            Firm("外地物联", "智能垃圾分类投放设备", region: "外省市·上海市浦东新区"),
        };
        await engine.ReplaceAllAsync([], firms, default);

        var found = await engine.RetrieveEnterprisesAsync(new EnterpriseRetrievalQuery("智能垃圾分类", "智能投放设备", ["物联网"],
            new EligibilityRules(["高新技术企业"], 100, ["通州区", "北三县"]), 20), default);

        Assert.Equal(good.Id, Assert.Single(found).Enterprise.Id);
    }

    [SkippableFact]
    public async Task Enterprise_RoundTripsThroughTheIndex()
    {
        var engine = await CreateAsync();
        var firm = Firm("运河绿能", "虚拟电厂负荷聚合", region: "北三县·三河市", quals: ["高新技术企业", "专精特新"], capital: 3000);
        await engine.UpsertEnterprisesAsync([firm], default);

        var back = await engine.GetEnterpriseAsync(firm.Id, default);

        Assert.NotNull(back);
        Assert.Equal(firm.Region, back.Region);
        Assert.Equal(firm.Qualifications, back.Qualifications);
        Assert.Equal(firm.RegisteredCapitalWan, back.RegisteredCapitalWan);
        Assert.Equal(firm.Cases, back.Cases);
    }

    [SkippableFact]
    public async Task Scenario_FacetsCountAndFilter()
    {
        var engine = await CreateAsync();
        var a = Scenario("社区停车治理", "停车。") with { Domain = "智慧交通", Technologies = ["物联网", "视频分析"] };
        var b = Scenario("景区停车诱导", "停车。", "cultural-tourism") with { Domain = "智慧大运河", Technologies = ["物联网"] };
        await engine.ReplaceAllAsync([a, b], [], default);

        var all = await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default);
        var filtered = await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车", Technology: "视频分析"), default);

        Assert.Contains(all.Facets[ScenarioFacets.Technology], f => f is { Value: "物联网", Count: 2 });
        Assert.Contains(all.Facets[ScenarioFacets.Domain], f => f is { Value: "智慧大运河", Count: 1 });
        Assert.Equal([a.Id], filtered.Hits.Select(h => h.Id));
    }

    [SkippableFact]
    public async Task Capabilities_AreSearchableWithFacetsAndHighlights()
    {
        var engine = await CreateAsync();
        var target = Firm("镕彦电气", "建筑配电物联网，配电箱守护终端识别回路打火", region: "通州区·永顺镇");
        await engine.ReplaceAllAsync([], [target, Firm("莳璇安防", "家用燃气探测器", region: "北三县·三河市")], default);

        var result = await engine.SearchEnterprisesAsync(new EnterpriseSearchQuery("配电箱"), default);
        var byRegion = await engine.SearchEnterprisesAsync(new EnterpriseSearchQuery(null, Region: "北三县"), default);

        Assert.Equal(target.Id, Assert.Single(result.Hits).Id);
        Assert.Contains("<mark>", result.Hits[0].SnippetHtml);
        Assert.Contains(result.Facets[EnterpriseFacets.Region], f => f is { Value: "通州区", Count: 1 });
        Assert.Equal("莳璇安防", Assert.Single(byRegion.Hits).Name);
    }

    [SkippableFact]
    public async Task ReplaceAll_LeavesExactlyTheGivenDocuments()
    {
        var engine = await CreateAsync();
        await engine.UpsertEnterprisesAsync([Firm("旧企业", "旧描述")], default);
        await engine.ReplaceAllAsync([Scenario("新场景标题", "新的摘要。")], [Firm("新企业甲", "描述"), Firm("新企业乙", "描述")], default);
        Assert.Equal((1, 2), await engine.CountAsync(default));
    }
}

public sealed class LuceneContractTests : SearchEngineContract, IDisposable
{
    private readonly List<LuceneSearchEngine> _engines = [];

    protected override Task<ISearchEngine> CreateAsync()
    {
        var engine = new LuceneSearchEngine(null, Thesaurus.Load(), TimeProvider.System, new MatchingOptions().Retrieval);
        _engines.Add(engine);
        return Task.FromResult<ISearchEngine>(engine);
    }

    public void Dispose() => _engines.ForEach(e => e.Dispose());
}

/// <summary>The same contract against a live Meilisearch, each test on its own index names.</summary>
public sealed class MeilisearchContractTests : SearchEngineContract
{
    private static readonly string? Url = Environment.GetEnvironmentVariable("MEILISEARCH_URL");

    protected override Task<ISearchEngine> CreateAsync()
    {
        Skip.If(string.IsNullOrEmpty(Url),
            "MEILISEARCH_URL is not set: the Meilisearch contract run needs a live server (none can be installed here).");
        var o = new MeilisearchOptions
        {
            Url = Url, ApiKey = Environment.GetEnvironmentVariable("MEILISEARCH_API_KEY"),
            IndexPrefix = "contract_" + Guid.NewGuid().ToString("N")[..8] + "_",
        };
        var client = new MeilisearchClient(MatchingModule.CreateMeilisearchHttp(o));
        return Task.FromResult<ISearchEngine>(new MeilisearchSearchEngine(client, Thesaurus.Load(), Options.Create(o), TimeProvider.System));
    }
}
