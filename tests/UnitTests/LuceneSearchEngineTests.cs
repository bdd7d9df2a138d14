using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;

namespace Marketplace.UnitTests;

/// <summary>The embedded engine on an in-memory index (no files, no network).</summary>
public sealed class LuceneSearchEngineTests : IDisposable
{
    private readonly LuceneSearchEngine _engine = new(null, Thesaurus.Load(), TimeProvider.System);

    private static ScenarioDocument Scenario(string title, string summary, string category = "smart-city", string[]? tech = null) => new(
        Guid.NewGuid(), "SC-" + title.GetHashCode(), title, summary, summary + "。详细描述。", category, "智慧交通", "通州",
        tech ?? ["物联网"], "published", DateTimeOffset.UtcNow.AddDays(10), [], 0, []);

    internal static EnterpriseDocument Firm(string name, string description, string[] tech, string region = "通州区·宋庄镇",
        string[]? quals = null, decimal capital = 500, int employees = 200) => new(
        Guid.NewGuid(), name, "数字经济", region, quals ?? ["高新技术企业"], capital, employees, tech, description, [], [], 0);

    [Fact]
    public async Task SearchScenarios_FindsATermInsideALongerSegmentedWord()
    {
        var target = Scenario("智能投放设备安装简单化改造", "要求设备安装简单、维护方便。");
        await _engine.UpsertScenariosAsync([target, Scenario("医学影像辅助诊断", "基层医院影像诊断。")], default);

        var result = await _engine.SearchScenariosAsync(new ScenarioSearchQuery("简单"), default);

        Assert.Equal(target.Id, Assert.Single(result.Hits).Id);
    }

    [Fact]
    public async Task SearchScenarios_ExpandsThesaurusSynonyms()
    {
        var target = Scenario("商务区车路协同信号优化", "路侧感知与信号控制。");
        await _engine.UpsertScenariosAsync([target, Scenario("垃圾分类督导", "社区垃圾分类。")], default);

        var result = await _engine.SearchScenariosAsync(new ScenarioSearchQuery("智慧交通"), default);

        Assert.Contains(result.Hits, h => h.Id == target.Id);
    }

    [Fact]
    public async Task SearchScenarios_HighlightsMatchesAndEscapesHtml()
    {
        await _engine.UpsertScenariosAsync([Scenario("虚拟电厂<聚合>平台", "聚合可调负荷参与需求响应。")], default);

        var hit = Assert.Single((await _engine.SearchScenariosAsync(new ScenarioSearchQuery("虚拟电厂"), default)).Hits);

        Assert.Contains("<mark>", hit.TitleHtml);
        Assert.Contains("&lt;", hit.TitleHtml);
    }

    [Fact]
    public async Task SearchScenarios_CountsCategoriesAndFilters()
    {
        await _engine.UpsertScenariosAsync([
            Scenario("智慧停车管理", "路内停车。"), Scenario("景区停车诱导", "景区停车。", "cultural-tourism"),
            Scenario("充电桩停车位", "充电停车。", "livable-city")], default);

        var result = await _engine.SearchScenariosAsync(new ScenarioSearchQuery("停车", Category: "cultural-tourism"), default);

        Assert.Equal(1, result.Total);
        Assert.Equal(1, result.CategoryCounts["smart-city"]);
        Assert.Equal(1, result.CategoryCounts["livable-city"]);
    }

    [Fact]
    public async Task SearchScenarios_WhenNothingMatches_ReturnsNoHits()
    {
        await _engine.UpsertScenariosAsync([Scenario("智慧停车管理", "路内停车。")], default);
        Assert.Empty((await _engine.SearchScenariosAsync(new ScenarioSearchQuery("区块链版权"), default)).Hits);
    }

    [Fact]
    public async Task SearchScenarios_ToleratesATypoInALatinTerm()
    {
        var target = Scenario("基于BIM的施工图智能审查", "BIM模型合规审查。");
        await _engine.UpsertScenariosAsync([target, Scenario("垃圾分类督导", "社区垃圾分类。")], default);

        var result = await _engine.SearchScenariosAsync(new ScenarioSearchQuery("BIN"), default);

        Assert.Equal(target.Id, Assert.Single(result.Hits).Id);
    }

    [Fact]
    public async Task RetrieveEnterprises_NeverReturnsFirmsThatFailHardRules()
    {
        var good = Firm("智联物联", "智能垃圾分类投放设备与督导系统", ["物联网"]);
        var noQualification = Firm("无资质物联", "智能垃圾分类投放设备", ["物联网"], quals: []);
        var tooSmall = Firm("小资本物联", "智能垃圾分类投放设备", ["物联网"], capital: 50);
        var farAway = Firm("外地物联", "智能垃圾分类投放设备", ["物联网"], region: "外省市·上海市浦东新区");
        await _engine.UpsertEnterprisesAsync([good, noQualification, tooSmall, farAway], default);

        var rules = new EligibilityRules(["高新技术企业"], 100, ["通州区", "北三县"]);
        var found = await _engine.RetrieveEnterprisesAsync(new EnterpriseRetrievalQuery("垃圾分类", "智能投放", ["物联网"], rules, 10), default);

        Assert.Equal(good.Id, Assert.Single(found).Enterprise.Id);
    }

    [Fact]
    public async Task ReplaceAll_ReplacesEverything()
    {
        await _engine.UpsertEnterprisesAsync([Firm("旧企业", "旧描述", ["物联网"])], default);
        await _engine.ReplaceAllAsync([Scenario("新场景", "新的摘要。")], [Firm("新企业", "新描述", ["区块链"]), Firm("新企业二", "描述", ["BIM"])], default);
        Assert.Equal((1, 2), await _engine.CountAsync(default));
    }

    [Fact]
    public async Task EquallyRankedResults_ComeInIdOrder_WhateverOrderTheyWereIndexedIn()
    {
        // Same text and deadline: equal scores and equal sort keys, so only the tie-break decides the order.
        var closes = DateTimeOffset.UtcNow.AddDays(10);
        var scenarios = Enumerable.Range(0, 12).Select(_ => Scenario("智慧停车管理", "路内停车。") with { ClosesAt = closes }).ToList();
        var firms = Enumerable.Range(0, 12).Select(i => Firm("停车科技", "停车管理平台", ["物联网"])).ToList();
        var scenarioIds = scenarios.Select(s => s.Id).Order().ToList();
        var firmIds = firms.Select(f => f.Id).Order().ToList();

        foreach (var reversed in new[] { false, true })
        {
            using var engine = new LuceneSearchEngine(null, Thesaurus.Load(), TimeProvider.System);
            // One at a time, in one order or the other, as outbox lanes may index them.
            foreach (var s in reversed ? Enumerable.Reverse(scenarios) : scenarios) await engine.UpsertScenariosAsync([s], default);
            foreach (var f in reversed ? Enumerable.Reverse(firms) : firms) await engine.UpsertEnterprisesAsync([f], default);

            Assert.Equal(scenarioIds, (await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Hits.Select(h => h.Id));
            Assert.Equal(scenarioIds, (await engine.SearchScenariosAsync(new ScenarioSearchQuery(null), default)).Hits.Select(h => h.Id));
            Assert.Equal(scenarioIds[5..10], (await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车", Page: 2, PageSize: 5), default)).Hits.Select(h => h.Id));
            Assert.Equal(firmIds, (await engine.SearchEnterprisesAsync(new EnterpriseSearchQuery("停车"), default)).Hits.Select(h => h.Id));
            Assert.Equal(firmIds, (await engine.SearchEnterprisesAsync(new EnterpriseSearchQuery(null, Sort: EnterpriseSearchQuery.ByCapital), default)).Hits.Select(h => h.Id));
            Assert.All((await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Hits, h => Assert.True(h.Score > 0));
        }
    }

    public void Dispose() => _engine.Dispose();
}
