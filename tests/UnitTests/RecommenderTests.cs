using Marketplace.Matching;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.UnitTests;

public sealed class RecommenderTests : IDisposable
{
    private readonly LuceneSearchEngine _engine = new(null, Thesaurus.Load(), TimeProvider.System);
    private readonly MatchingOptions _options = new();
    private Recommender Recommender => new(_engine, Thesaurus.Load(), Options.Create(_options));

    private static ScenarioDocument GarbageScenario(string[]? quals = null) => new(
        Guid.NewGuid(), "SC-1", "老旧小区智能垃圾分类投放与督导", "改造智能投放点，识别混投并联动收运。",
        "厨余垃圾分出率偏低，需要满溢检测、视频识别混投行为并提醒督导员。", "smart-city", "数字化社区", "宋庄镇",
        ["物联网", "计算机视觉", "人工智能"], "published", DateTimeOffset.UtcNow.AddDays(10), quals ?? [], 0, []);

    [Fact]
    public async Task ForScenario_RanksTheFittingFirmFirstWithCheckableReasons()
    {
        var fit = LuceneSearchEngineTests.Firm("智联物联", "智能垃圾分类投放站，视频识别混投行为，满溢检测。", ["物联网", "计算机视觉", "人工智能"]);
        var other = LuceneSearchEngineTests.Firm("影像医疗", "医学影像辅助诊断。", ["深度学习"]);
        await _engine.UpsertEnterprisesAsync([fit, other], default);

        var recs = await Recommender.ForScenarioAsync(GarbageScenario(), 10, default);

        Assert.Equal(fit.Id, recs[0].Enterprise.Id);
        Assert.Contains(recs[0].Reasons, r => r.Kind == "technology" && r.Text.Contains("（3/3）"));
        Assert.Contains(recs[0].Reasons, r => r.Kind == "region");
    }

    [Fact]
    public async Task ForScenario_NeverRecommendsAnIneligibleFirm()
    {
        var unqualified = LuceneSearchEngineTests.Firm("无资质", "智能垃圾分类投放站，视频识别混投行为。", ["物联网"], quals: []);
        await _engine.UpsertEnterprisesAsync([unqualified], default);
        Assert.Empty(await Recommender.ForScenarioAsync(GarbageScenario(["高新技术企业"]), 10, default));
    }

    [Fact]
    public void ApplyExposureControl_PromotesAClosingSmallFirmOverTheLowestLargeOne()
    {
        EnterpriseDocument Doc(int employees) => LuceneSearchEngineTests.Firm("f", "d", [], employees: employees, quals: []);
        var ranked = new List<Recommendation>
        {
            new(Doc(1000), 1.00, []), new(Doc(900), 0.98, []), new(Doc(800), 0.97, []), new(Doc(50), 0.95, []),
        };

        var top = Recommender.ApplyExposureControl(ranked, 3, new MatchingOptions { SmallFirmShare = 0.3, ExposureFloor = 0.9 });

        Assert.Contains(top, r => r.Enterprise.Employees == 50);
        Assert.DoesNotContain(top, r => r.Enterprise.Employees == 800);
    }

    [Fact]
    public void ApplyExposureControl_LeavesRankingAloneWhenSmallFirmsAreFarBehind()
    {
        EnterpriseDocument Doc(int employees) => LuceneSearchEngineTests.Firm("f", "d", [], employees: employees, quals: []);
        var ranked = new List<Recommendation> { new(Doc(1000), 1.0, []), new(Doc(900), 0.9, []), new(Doc(50), 0.2, []) };

        var top = Recommender.ApplyExposureControl(ranked, 2, new MatchingOptions());

        Assert.Equal([1000, 900], top.Select(r => r.Enterprise.Employees));
    }

    public void Dispose() => _engine.Dispose();
}

public sealed class AskSplitTests
{
    [Fact]
    public void SplitAsk_SeparatesTheSettingFromWhatIsWanted()
    {
        var (context, ask) = Marketplace.Matching.Recommendations.Recommender.SplitAsk("老旧小区电线老化，火灾多发。希望加装智慧用电终端，数据接入消防平台。");
        Assert.Equal("老旧小区电线老化，火灾多发。", context);
        Assert.StartsWith("希望加装智慧用电终端", ask);
    }

    [Fact]
    public void SplitAsk_WithoutAMarker_KeepsEverythingAsSetting() =>
        Assert.Equal(("只有现状描述。", ""), Marketplace.Matching.Recommendations.Recommender.SplitAsk("只有现状描述。"));
}
