using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Demo;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// The slice in Debian's Chromium on the demo data, in Chinese on a desktop and in English on a phone: an officer publishes, a visitor finds the
/// scenario by a Chinese fragment and reads it, a firm applies, the officer sees that firm among the recommendations,
/// and the receipt arrives by email.
/// </summary>
public sealed class ThinSliceBrowserTests(DemoMarketplaceApp app) : IClassFixture<DemoMarketplaceApp>
{
    /// <summary>
    /// What each run publishes and searches for. Chinese publishes one of the demo's drafts; a draft is published once,
    /// so English drafts its own, written for the same demo firm.
    /// </summary>
    private static (string Title, string Fragment) Subject(UiText ui) => ui.IsEnglish
        ? ("独居老人居家安全无感监测与跌倒告警", "跌倒告警")
        : ("社区数字孪生底座与综合治理驾驶舱", "孪生底座");

    private const string Firm = "北京通州智联物联科技有限公司";

    [BrowserTheory]
    [InlineData("desktop", "zh-CN")]
    [InlineData("phone", "en")]
    public async Task OfficerPublishes_VisitorFinds_FirmApplies_OfficerSeesFirmRecommended(string size, string culture)
    {
        var ui = UiText.For(culture);
        var variant = $"{size}-{ui.Tag}";
        var (width, height) = Browsers.Viewport(size);
        var (title, fragment) = Subject(ui);
        if (ui.IsEnglish)
            await app.Get<CreateScenario>().HandleAsync(TestData.ScenarioCommand(title, app.Clock.GetUtcNow().AddDays(40)) with
            {
                Summary = "为独居老人家中安装无感监测终端，跌倒或长时间无活动时告警。",
                Description = "镇域内独居老人较多，夜间跌倒难以及时发现。希望在老人家中安装毫米波雷达等无感监测终端，识别跌倒和长时间无活动，告警推送子女、网格员和社区卫生服务站，保护隐私，不装摄像头。",
                Technologies = ["物联网", "养老", "人工智能"],
            }, default);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        string[] data = [title, Firm];
        var problems = new List<string>();
        async Task<IPage> NewPage() => Browsers.Watch(await (await ui.NewContextAsync(browser, app.ServerAddress, width, height)).NewPageAsync(), problems);
        Task Shot(IPage page, string name) => Browsers.CheckpointAsync(page, ui, size, name, data);

        // The officer publishes the draft from the workbench.
        var officer = await NewPage();
        await Browsers.SignInAsync(officer, "officer@demo.gov.cn", DemoData.Password, ui);
        await Browsers.PublishFromWorkbenchAsync(officer, title, ui);
        await app.DrainOutboxAsync();

        // A visitor searches a fragment of a segmented word and finds it, highlighted, and reads it.
        var visitor = await NewPage();
        await visitor.GotoAsync("/scenarios");
        await visitor.GetByRole(AriaRole.Searchbox, new() { Name = ui["搜索场景"] }).FillAsync(fragment);
        await visitor.GetByRole(AriaRole.Button, new() { Name = ui["搜索"] }).ClickAsync();
        var result = visitor.GetByRole(AriaRole.Link, new() { Name = title });
        await Assertions.Expect(result).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Locator("mark").First).ToBeVisibleAsync();
        await Shot(visitor, "scenario-search");
        var href = await result.GetAttributeAsync("href") ?? "/";
        await result.ClickAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(title);
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = ui["问题描述"] })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByRole(AriaRole.Link, new() { Name = ui["登录后揭榜"] })).ToBeVisibleAsync();
        await Shot(visitor, "scenario-read");

        // The demo firm's member applies; the receipt arrives.
        var member = await NewPage();
        await Browsers.SignInAsync(member, "member@zhilian-iot.cn", DemoData.Password, ui);
        await member.GotoAsync(href);
        await member.GetByRole(AriaRole.Link, new() { Name = ui["我要揭榜"] }).ClickAsync();
        await Browsers.FillProposalAsync(member, "以社区物联感知网为底座，接入视频、井盖、消防数据，三个月内交付社区三维驾驶舱并完成事件一图定位。", "260", ui);
        await member.GetByRole(AriaRole.Button, new() { Name = ui["提交申报"] }).ClickAsync();
        await Assertions.Expect(member.GetByText(ui["本企业已申报"])).ToBeVisibleAsync();
        await app.DrainOutboxAsync();
        var receipt = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains("member@zhilian-iot.cn") && (m.Subject ?? "").Contains(title));
        Assert.Contains("申报回执", receipt.Subject);

        // The officer sees that firm recommended, with reasons a person can check.
        // The list is paged (30 a page): the officer finds the scenario by its title.
        await officer.GotoAsync("/officer?q=" + Uri.EscapeDataString(title));
        await officer.GetByRole(AriaRole.Row, new() { Name = title }).GetByRole(AriaRole.Link, new() { Name = ui["推荐企业"] }).ClickAsync();
        var card = officer.GetByRole(AriaRole.Listitem).Filter(new() { HasText = Firm });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByText(ui.Lead("技术匹配：{0}（{1}/{2}）"))).ToBeVisibleAsync();
        await Shot(officer, "recommendations");
        Assert.Empty(problems);
    }
}
