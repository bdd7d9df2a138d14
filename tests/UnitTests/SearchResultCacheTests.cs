using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;

namespace Marketplace.UnitTests;

/// <summary>
/// Visitor search answers are kept per index generation and audience (the embedded engine, in memory). Every case
/// asks the same question twice around a change and checks the second answer saw it.
/// </summary>
public sealed class SearchResultCacheTests : IDisposable
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Start = new(2026, 11, 2, 2, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Start);
    private readonly LuceneSearchEngine _engine;

    public SearchResultCacheTests() => _engine = new LuceneSearchEngine(null, Thesaurus.Load(), _clock);

    private static ScenarioDocument Scenario(string title, DateTimeOffset closesAt, IReadOnlyList<string>? audience = null) => new(
        Guid.NewGuid(), "SC-" + Guid.NewGuid().ToString("N")[..6], title, title + "。", title + "，详细描述。", "smart-city", "智慧交通", "通州",
        ["物联网"], "published", closesAt, [], 0, [], audience);

    [Fact]
    public async Task PartnerOnlyScenario_AfterStaffAndPartnersAsked_IsStillHiddenFromEveryoneElse()
    {
        var shared = Scenario("协同区域河道水质监测", Start.AddDays(30), audience: ["北三县·三河市"]);
        await _engine.UpsertScenariosAsync([shared, Scenario("公开的河道巡查", Start.AddDays(30))], default);

        Assert.Equal(2, (await _engine.SearchScenariosAsync(new ScenarioSearchQuery("河道", Audience: ScenarioAudience.All), default)).Total);
        Assert.Equal(2, (await _engine.SearchScenariosAsync(new ScenarioSearchQuery("河道", Audience: ScenarioAudience.ForViewer("北三县·三河市")), default)).Total);

        foreach (var outsider in new[] { null, ScenarioAudience.ForViewer(null), ScenarioAudience.ForViewer("外省市·上海市") })
        {
            var result = await _engine.SearchScenariosAsync(new ScenarioSearchQuery("河道", Audience: outsider), default);
            Assert.DoesNotContain(result.Hits, h => h.Id == shared.Id);
            Assert.Equal(1, result.Total);
            Assert.Equal(1, result.CategoryCounts["smart-city"]);
        }
        // And the other way round: a visitor's answer is not what staff get.
        Assert.Equal(2, (await _engine.SearchScenariosAsync(new ScenarioSearchQuery("河道", Audience: ScenarioAudience.All), default)).Total);
    }

    [Fact]
    public async Task ScenarioIndexedAfterAnAnswer_IsInTheNextAnswer()
    {
        await _engine.UpsertScenariosAsync([Scenario("智慧停车诱导", Start.AddDays(30))], default);
        Assert.Equal(1, (await _engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Total);
        Assert.Single((await _engine.SearchScenariosAsync(new ScenarioSearchQuery(null, OpenOnly: true), default)).Hits);

        var added = Scenario("路内停车泊位监测", Start.AddDays(20));
        await _engine.UpsertScenariosAsync([added], default);

        Assert.Contains((await _engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Hits, h => h.Id == added.Id);
        Assert.Equal(2, (await _engine.SearchScenariosAsync(new ScenarioSearchQuery(null, OpenOnly: true), default)).Total);

        await _engine.RemoveScenarioAsync(added.Id, default);
        Assert.DoesNotContain((await _engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Hits, h => h.Id == added.Id);
    }

    [Fact]
    public async Task OpenScenarios_WhenTheNextDeadlinePasses_AreAskedAgain()
    {
        var soon = Scenario("社区充电桩巡检", Start.AddHours(1));
        var later = Scenario("公共充电设施运营监测", Start.AddDays(5));
        await _engine.UpsertScenariosAsync([soon, later], default);
        var open = new ScenarioSearchQuery(null, OpenOnly: true);
        Assert.Equal(2, (await _engine.SearchScenariosAsync(open, default)).Total);

        _clock.Now = Start.AddMinutes(59);
        Assert.Equal(2, (await _engine.SearchScenariosAsync(open, default)).Total);

        // Nothing was reindexed (the scheduler has not closed it yet): only the clock says the window has shut.
        _clock.Now = Start.AddHours(1);
        Assert.Equal([later.Id], (await _engine.SearchScenariosAsync(open, default)).Hits.Select(h => h.Id));
        // The hall (all statuses) does not depend on the clock and still lists both.
        Assert.Equal(2, (await _engine.SearchScenariosAsync(new ScenarioSearchQuery("充电"), default)).Total);
    }

    [Fact]
    public async Task FirmLeavingThePublicList_IsGoneFromTheNextAnswer()
    {
        var firm = LuceneSearchEngineTests.Firm("北京生命线监测科技有限公司", "城市生命线燃气管网监测。", ["物联网"]);
        await _engine.UpsertEnterprisesAsync([firm], default);
        Assert.Single((await _engine.SearchEnterprisesAsync(new EnterpriseSearchQuery("生命线"), default)).Hits);

        await _engine.UpsertEnterprisesAsync([firm with { PublicCard = false }], default);

        Assert.Empty((await _engine.SearchEnterprisesAsync(new EnterpriseSearchQuery("生命线"), default)).Hits);
    }

    [Fact]
    public async Task AnswersWithTheCacheOff_AreTheSameAsWithItOn()
    {
        using var uncached = new LuceneSearchEngine(null, Thesaurus.Load(), _clock, searchCacheEntries: 0);
        var docs = new[]
        {
            Scenario("智慧停车诱导", Start.AddDays(3)), Scenario("路内停车泊位监测", Start.AddDays(2)),
            Scenario("停车场充电桩改造", Start.AddDays(1), audience: ["雄安新区"]), Scenario("河道水质监测", Start.AddDays(4)),
        };
        foreach (var d in docs)
        {
            await _engine.UpsertScenariosAsync([d], default); // one segment each, as the site writes them
            await uncached.UpsertScenariosAsync([d], default);
        }
        foreach (var q in new[]
                 {
                     new ScenarioSearchQuery("停车"), new ScenarioSearchQuery(null), new ScenarioSearchQuery("停车", PageSize: 1, Page: 2),
                     new ScenarioSearchQuery(null, OpenOnly: true, Audience: ScenarioAudience.All), new ScenarioSearchQuery("停车", Category: "cultural-tourism"),
                 })
        {
            var first = await _engine.SearchScenariosAsync(q, default);
            var again = await _engine.SearchScenariosAsync(q, default);
            var computed = await uncached.SearchScenariosAsync(q, default);
            foreach (var r in new[] { again, computed })
            {
                Assert.Equal(first.Hits.Select(h => (h.Id, h.TitleHtml, h.SnippetHtml)), r.Hits.Select(h => (h.Id, h.TitleHtml, h.SnippetHtml)));
                Assert.Equal(first.Total, r.Total);
                Assert.Equal(first.CategoryCounts, r.CategoryCounts);
                Assert.Equal(first.Facets.Keys, r.Facets.Keys);
            }
        }
    }

    public void Dispose() => _engine.Dispose();
}
