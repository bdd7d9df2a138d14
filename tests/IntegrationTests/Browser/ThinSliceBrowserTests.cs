using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Demo;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// The slice in Debian's Chromium on the demo data: an officer publishes, a visitor finds the scenario by a Chinese
/// fragment, a firm applies, the officer sees that firm among the recommendations, and the receipt arrives by email.
/// </summary>
public sealed class ThinSliceBrowserTests(DemoMarketplaceApp app) : IClassFixture<DemoMarketplaceApp>
{
    private const string Title = "社区数字孪生底座与综合治理驾驶舱";

    [BrowserFact]
    public async Task OfficerPublishes_VisitorFinds_FirmApplies_OfficerSeesFirmRecommended()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var baseUrl = app.ServerAddress;
        var problems = new List<string>();

        // The officer publishes a demo draft from the workbench.
        var officer = Browsers.Watch(await browser.NewPageAsync(new() { BaseURL = baseUrl, Locale = "zh-CN" }), problems);
        await SignInAsync(officer, "officer@demo.gov.cn");
        await Browsers.PublishFromWorkbenchAsync(officer, Title);
        await app.DrainOutboxAsync();

        // A visitor searches a fragment of a segmented word and finds it, highlighted.
        var visitor = Browsers.Watch(await browser.NewPageAsync(new() { BaseURL = baseUrl, Locale = "zh-CN" }), problems);
        await visitor.GotoAsync("/scenarios");
        await visitor.GetByRole(AriaRole.Searchbox, new() { Name = "搜索场景" }).FillAsync("孪生底座");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        var result = visitor.GetByRole(AriaRole.Link, new() { Name = Title });
        await Assertions.Expect(result).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Locator("mark").First).ToBeVisibleAsync();
        await visitor.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath("scenario-search-zh.png"), FullPage = true });

        // The demo firm's member applies.
        var member = Browsers.Watch(await browser.NewPageAsync(new() { BaseURL = baseUrl, Locale = "zh-CN" }), problems);
        await SignInAsync(member, "member@zhilian-iot.cn");
        await member.GotoAsync(await result.GetAttributeAsync("href") ?? "/");
        await member.GetByRole(AriaRole.Link, new() { Name = "我要揭榜" }).ClickAsync();
        await Browsers.FillProposalAsync(member, "以社区物联感知网为底座，接入视频、井盖、消防数据，三个月内交付社区三维驾驶舱并完成事件一图定位。", "260");
        await member.GetByRole(AriaRole.Button, new() { Name = "提交申报" }).ClickAsync();
        await Assertions.Expect(member.GetByText("本企业已申报")).ToBeVisibleAsync();
        await app.DrainOutboxAsync();
        var receipt = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains("member@zhilian-iot.cn"));
        Assert.Contains(Title, receipt.Subject);

        // The officer sees that firm recommended, with reasons a person can check.
        // The list is paged (30 a page): the officer finds the scenario by its title.
        await officer.GotoAsync("/officer?q=" + Uri.EscapeDataString(Title));
        await officer.GetByRole(AriaRole.Row, new() { Name = Title }).GetByRole(AriaRole.Link, new() { Name = "推荐企业" }).ClickAsync();
        var card = officer.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "北京通州智联物联科技有限公司" });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByText("技术匹配")).ToBeVisibleAsync();
        await officer.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath("recommendations-zh.png"), FullPage = true });
        Assert.Empty(problems);
    }

    private static Task SignInAsync(IPage page, string email) => Browsers.SignInAsync(page, email, DemoData.Password);
}
