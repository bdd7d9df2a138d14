using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;

namespace Marketplace.IntegrationTests;

/// <summary>
/// The hall, the search API and the home page answer from a cache of search answers (per index generation and
/// audience): over HTTP, a warm cache must never show a partner-only scenario to the wrong viewer, and a newly
/// published scenario must be there on the next request.
/// </summary>
public sealed class SearchCacheTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static string Q(string text) => Uri.EscapeDataString(text);

    [PostgresFact]
    public async Task PartnerOnlyScenario_AfterStaffWarmedTheCache_NeverReachesVisitorsOrOtherRegions()
    {
        var title = "缓存与可见性：跨界水域联合巡护";
        var id = (await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand(title) with
        {
            Visibility = ScenarioVisibility.Partners, PartnerRegions = ["北三县·三河市"],
        })).Id.ToString(); // pages highlight the query words in titles: look for the scenario's id (its link)
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var sanhe = await app.SignedInClientAsync((await TestData.MemberAsync(app, await TestData.FirmAsync(app, region: "北三县·三河市"))).Email, TestData.Password);
        var shanghai = await app.SignedInClientAsync((await TestData.MemberAsync(app, await TestData.FirmAsync(app, region: "外省市·上海市浦东新区"))).Email, TestData.Password);
        var anonymous = app.CreateClient();
        string[] urls = ["/scenarios?q=" + Q("联合巡护"), "/api/v1/scenarios?q=" + Q("联合巡护"), "/scenarios", "/api/v1/scenarios", "/"];

        foreach (var url in urls)
        {
            Assert.Contains(id, await officer.GetStringAsync(url)); // staff warm every answer first
            Assert.Contains(id, await sanhe.GetStringAsync(url));
            Assert.DoesNotContain(id, await anonymous.GetStringAsync(url));
            Assert.DoesNotContain(id, await shanghai.GetStringAsync(url));
            Assert.Contains(id, await officer.GetStringAsync(url)); // and a visitor's answer is not what staff get
        }
    }

    [PostgresFact]
    public async Task RenderedVisitorPages_AreKeptPerLanguage_AndNeverServedToSomeoneSignedIn()
    {
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("页面缓存：公园智慧导览"));
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var signedIn = await app.SignedInClientAsync(member.Email, TestData.Password);
        var english = app.CreateClient();
        english.DefaultRequestHeaders.Add("Cookie", ".AspNetCore.Culture=c%3Den%7Cuic%3Den");
        foreach (var url in new[] { "/scenarios", "/scenarios?q=" + Q("导览"), "/capabilities", "/" })
        {
            var zh = await app.CreateClient().GetStringAsync(url);
            Assert.Equal(zh, await app.CreateClient().GetStringAsync(url)); // the same answer, the same page
            Assert.Contains("<html lang=\"zh-CN\"", zh);
            Assert.DoesNotContain("__RequestVerificationToken", zh); // nothing personal in a shared page
            var en = await english.GetStringAsync(url);
            Assert.Contains("<html lang=\"en\"", en);
            var own = await signedIn.GetStringAsync(url);
            Assert.Contains("/account/logout", own); // the signed-in header: rendered for this request, not a visitor's copy
            Assert.DoesNotContain("/account/logout", zh);
        }
    }

    [PostgresFact]
    public async Task NewlyPublishedScenario_AppearsInTheHallApiAndHomePage_AtOnce()
    {
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("缓存预热：智慧灯杆运维"));
        var anonymous = app.CreateClient();
        string[] urls = ["/scenarios?q=" + Q("灯杆"), "/api/v1/scenarios?q=" + Q("灯杆"), "/scenarios", "/"];
        foreach (var url in urls) await anonymous.GetStringAsync(url);
        var before = await anonymous.GetStringAsync("/api/v1/scenarios?q=" + Q("灯杆"));

        var id = (await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("新近发布：多功能灯杆边缘计算"))).Id.ToString();

        foreach (var url in urls) Assert.Contains(id, await anonymous.GetStringAsync(url));
        Assert.DoesNotContain(id, before);
    }

    [PostgresFact]
    public async Task HomePage_OnceADeadlinePasses_NoLongerListsTheScenario()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("截止即下架：社区微更新征集",
            closesAt: app.Clock.GetUtcNow().AddHours(2)));
        var anonymous = app.CreateClient();
        Assert.Contains(scenario.Id.ToString(), await anonymous.GetStringAsync("/"));

        await TestData.PassAsync(app, scenario.ClosesAt.AddSeconds(1));

        Assert.DoesNotContain(scenario.Id.ToString(), await anonymous.GetStringAsync("/"));
    }

    [PostgresFact]
    public async Task ScenarioPage_KeptForVisitors_ShowsAnAnswerAtOnce_AndStopsOfferingToApplyAtTheDeadline()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("详情页缓存：河道漂浮物识别",
            closesAt: app.Clock.GetUtcNow().AddHours(3)));
        var page = $"/scenarios/{scenario.Id}";
        var visitor = app.CreateClient();
        Assert.Contains("登录后揭榜", await visitor.GetStringAsync(page));
        Assert.Contains("登录后揭榜", await visitor.GetStringAsync(page)); // kept

        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var officer = await TestData.OfficerAsync(app);
        var questions = app.Get<Questions>();
        var asked = (await questions.AskAsync(scenario.Id, member.Id, "识别设备是否需要接入区级视频平台？", default)).Value;
        await questions.AnswerAsync(asked, officer.Id, "需要接入，接口规范在附件中提供。", default);
        Assert.Contains("接口规范在附件中提供", await visitor.GetStringAsync(page)); // a commit is seen by the next visitor

        await TestData.PassAsync(app, scenario.ClosesAt.AddSeconds(1)); // only the clock moves: nothing is written
        Assert.DoesNotContain("登录后揭榜", await visitor.GetStringAsync(page));
    }
}
