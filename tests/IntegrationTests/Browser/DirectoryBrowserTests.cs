using Marketplace.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>A firm joins in Chromium: signs up, verifies by the emailed link, fills its profile, and sees its public card.</summary>
public sealed class DirectoryBrowserTests(DemoMarketplaceApp app) : IClassFixture<DemoMarketplaceApp>
{
    [BrowserFact]
    public async Task SignUp_VerifyByEmail_FillProfile_SeePublicCard()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await browser.NewPageAsync(new() { BaseURL = app.ServerAddress, Locale = "zh-CN" }), problems);
        var email = $"founder-{Guid.NewGuid():N}@firm.test";
        var code = Marketplace.Enterprises.Profiles.CreditCode.Complete("91110112MA0BRW" + Random.Shared.Next(10, 99));

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "企业注册" }).ClickAsync();
        await page.GetByLabel("企业名称").FillAsync("北京浏览器测试智能科技有限公司");
        await page.GetByLabel("统一社会信用代码").FillAsync(code);
        await page.GetByLabel("注册地").FillAsync("通州区·台湖镇");
        await page.GetByLabel("您的姓名").FillAsync("陈创始");
        await page.GetByLabel("邮箱").FillAsync(email);
        await page.GetByLabel("密码").FillAsync("Founder2026pass");
        await page.GetByRole(AriaRole.Button, new() { Name = "注册" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "请查收验证邮件" })).ToBeVisibleAsync();

        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email));
        await page.GotoAsync(MarketplaceApp.LinkPathIn(mail));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "邮箱已验证" })).ToBeVisibleAsync();

        await page.GotoAsync("/account/login");
        await page.GetByLabel("邮箱").FillAsync(email);
        await page.GetByLabel("密码").FillAsync("Founder2026pass");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).Last.ClickAsync();
        // Until an officer verifies the claim, the workbench sends the person to the claim page.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "企业认领" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("审核中");
        var claims = app.Get<Marketplace.Flows.Accounts.FirmClaims>();
        var claim = (await claims.ListPendingAsync(default)).Single(r => r.Claim.Email == email);
        var officer = await app.Get<Marketplace.Accounts.Users.UserStore>().EnsureAsync($"claims-{Guid.NewGuid():N}@gov.test", "审核处长", "Officer2026pass",
            Marketplace.Accounts.Roles.Officer, null, "区科委", default);
        Assert.True((await claims.DecideAsync(claim.Claim.Id, officer.Id, approve: true, transfer: false, reason: null, default)).IsSuccess);

        // Approved: the same session now acts for the firm.
        await page.GotoAsync("/firm");
        await page.GetByRole(AriaRole.Link, new() { Name = "企业信息与能力" }).ClickAsync();

        await page.GetByLabel("注册资本（万元）").FillAsync("600");
        await page.GetByLabel("员工人数").FillAsync("45");
        await page.GetByLabel("服务机器人").CheckAsync();
        await page.GetByLabel("虚拟现实").CheckAsync();
        await page.GetByLabel("企业简介").FillAsync("研发剧场导览与演出互动服务机器人，服务台湖演艺小镇的剧院和游客中心。");
        await page.GetByLabel("过往案例（每行：标题｜客户｜年份｜成果）").FillAsync("演艺小镇导览机器人｜台湖演艺小镇｜2025｜日均服务游客800人次");
        await page.GetByLabel("在公开能力清单中展示本企业").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("企业信息已保存");
        await app.DrainOutboxAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "查看公开名片" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "北京浏览器测试智能科技有限公司" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("演艺小镇导览机器人")).ToBeVisibleAsync();

        await page.GotoAsync("/capabilities?q=" + Uri.EscapeDataString("导览机器人"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "北京浏览器测试智能科技有限公司" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath("capability-list-zh.png"), FullPage = true });
        Assert.Empty(problems);
    }
}
