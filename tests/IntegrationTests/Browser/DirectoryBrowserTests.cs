using Marketplace.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// A firm joins in Chromium: signs up, verifies by the emailed link, fills its profile, sees its public card, and
/// follows a technology, so that a new scenario using it is announced by email at once. In Chinese on a desktop and in
/// English on a phone.
/// </summary>
public sealed class DirectoryBrowserTests(DemoMarketplaceApp app) : IClassFixture<DemoMarketplaceApp>
{
    [BrowserTheory]
    [InlineData("desktop", "zh-CN")]
    [InlineData("phone", "en")]
    public async Task SignUp_VerifyByEmail_FillProfile_SeePublicCard_Follow(string size, string culture)
    {
        var ui = UiText.For(culture);
        var variant = $"{size}-{ui.Tag}";
        var (width, height) = Browsers.Viewport(size);
        var firmName = $"北京浏览器测试{(ui.IsEnglish ? "乙" : "甲")}智能科技有限公司";
        string[] data = [firmName];
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await (await ui.NewContextAsync(browser, app.ServerAddress, width, height)).NewPageAsync(), problems);
        var email = $"founder-{Guid.NewGuid():N}@firm.test";
        var code = Marketplace.Enterprises.Profiles.CreditCode.Complete("91110112MA0BRW" + (ui.IsEnglish ? Random.Shared.Next(55, 99) : Random.Shared.Next(10, 54)));

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = ui["企业注册"] }).ClickAsync();
        await page.GetByLabel(ui["企业名称"]).FillAsync(firmName);
        await page.GetByLabel(ui["统一社会信用代码"]).FillAsync(code);
        await page.GetByLabel(ui["注册地（如 通州区·宋庄镇）"]).FillAsync("通州区·台湖镇");
        await page.GetByLabel(ui["您的姓名"]).FillAsync("陈创始");
        await page.GetByLabel(ui["邮箱"], new() { Exact = true }).FillAsync(email);
        await page.GetByLabel(ui["密码（至少 10 位，含字母和数字）"]).FillAsync("Founder2026pass");
        await Browsers.CheckpointAsync(page, ui, size, "signup", data);
        await page.GetByRole(AriaRole.Button, new() { Name = ui["注册"], Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = ui["请查收验证邮件"] })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            ui["我们已向 {0} 发送验证邮件，打开其中的链接即可登录。平台工作人员核实您与该企业的关系后，账号才能以企业身份揭榜申报。", email]);
        await Browsers.CheckpointAsync(page, ui, size, "signup-sent", data);

        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email));
        await page.GotoAsync(MarketplaceApp.LinkPathIn(mail));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = ui["邮箱已验证"] })).ToBeVisibleAsync();

        await Browsers.SignInAsync(page, email, "Founder2026pass", ui);
        // Until an officer verifies the claim, the workbench sends the person to the claim page.
        await page.GotoAsync("/firm");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = ui["企业认领"] })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(ui["您的企业认领正在审核中。审核通过前，账号不能以企业身份揭榜申报、被推荐或被邀请。"]);
        await Browsers.CheckpointAsync(page, ui, size, "firm-claim-pending", data);
        var claims = app.Get<Marketplace.Flows.Accounts.FirmClaims>();
        var claim = (await claims.ListPendingAsync(default)).Single(r => r.Claim.Email == email);
        var officer = await app.Get<Marketplace.Accounts.Users.UserStore>().EnsureAsync($"claims-{Guid.NewGuid():N}@gov.test", "审核处长", "Officer2026pass",
            Marketplace.Accounts.Roles.Officer, null, "区科委", default);
        Assert.True((await claims.DecideAsync(claim.Claim.Id, officer.Id, approve: true, transfer: false, reason: null, default)).IsSuccess);

        // Approved: the same session now acts for the firm.
        await page.GotoAsync("/firm");
        await page.GetByRole(AriaRole.Link, new() { Name = ui["企业信息与能力"] }).ClickAsync();

        await page.GetByLabel(ui["注册资本（万元）"]).FillAsync("600");
        await page.GetByLabel(ui["员工人数"]).FillAsync("45");
        await page.GetByLabel("服务机器人").CheckAsync();
        await page.GetByLabel("虚拟现实").CheckAsync();
        await page.GetByLabel(ui["企业简介"]).FillAsync("研发剧场导览与演出互动服务机器人，服务台湖演艺小镇的剧院和游客中心。");
        await page.GetByLabel(ui["过往案例（每行：标题｜客户｜年份｜成果）"]).FillAsync("演艺小镇导览机器人｜台湖演艺小镇｜2025｜日均服务游客800人次");
        await page.GetByLabel(ui["在公开能力清单中展示本企业"]).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = ui["保存"], Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(ui["企业信息已保存。"]);
        await Browsers.CheckpointAsync(page, ui, size, "firm-profile", data);
        await app.DrainOutboxAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = ui["查看公开名片"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = firmName })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("演艺小镇导览机器人")).ToBeVisibleAsync();
        await Browsers.CheckpointAsync(page, ui, size, "capability-card", data);

        await page.GotoAsync("/capabilities?q=" + Uri.EscapeDataString("导览机器人"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = firmName })).ToBeVisibleAsync();
        await Browsers.CheckpointAsync(page, ui, size, "capability-list", data);

        // Following a technology with instant alerts: a scenario published with it is announced by email.
        await page.GotoAsync("/account/follows");
        await page.GetByLabel(ui["即时邮件"]).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = ui["保存"], Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(ui["提醒方式已保存。"]);
        await page.GetByLabel(ui["类型"]).SelectOptionAsync(new SelectOptionValue { Label = ui["技术"] });
        await page.GetByLabel(ui["内容"], new() { Exact = true }).FillAsync("服务机器人");
        await page.GetByRole(AriaRole.Button, new() { Name = ui["添加关注"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(ui["已关注。"]);
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "服务机器人" })).ToContainTextAsync(ui["技术"] + ui.Colon + "服务机器人");
        await Browsers.CheckpointAsync(page, ui, size, "follows-technology", data);
        var title = $"剧场服务机器人导览试点（{variant}）";
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand(title, app.Clock.GetUtcNow().AddDays(30)) with
        {
            Technologies = ["服务机器人", "人工智能"],
        });
        var alert = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email) && (m.Subject ?? "").Contains("关注的新场景") && (m.Subject ?? "").Contains(title));
        Assert.Contains("服务机器人", alert.TextBody);
        Assert.Empty(problems);
    }

}
