using System.Text.RegularExpressions;
using Marketplace.Flows.Indexing;
using Marketplace.Flows.Recommending;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Microsoft.Playwright;
using MimeKit;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// The signed-in work of issue 16 in Chromium, at desktop (1366×900) and phone (390×844) width: a firm drafts, is
/// shown every problem at once, submits, withdraws after a confirmation step, submits again and reads “我的申报”; an
/// officer creates a scenario with rubric and milestone rows, previews the invitations, publishes inviting exactly
/// the firm she chose, changes the terms and invites by hand. Each promised email is read from the in-process SMTP
/// server; each page is screenshotted under artifacts/screenshots.
/// </summary>
public sealed class WorkJourneyBrowserTests(ListeningMarketplaceApp app) : IClassFixture<ListeningMarketplaceApp>
{
    private const int DesktopWidth = 1366, DesktopHeight = 900, PhoneWidth = 390, PhoneHeight = 844;

    [BrowserFact]
    public Task FirmJourney_Desktop() => FirmJourneyAsync(DesktopWidth, DesktopHeight, "desktop");

    [BrowserFact]
    public Task FirmJourney_Phone() => FirmJourneyAsync(PhoneWidth, PhoneHeight, "phone");

    [BrowserFact]
    public Task OfficerJourney_Desktop() => OfficerJourneyAsync(DesktopWidth, DesktopHeight, "desktop");

    [BrowserFact]
    public Task OfficerJourney_Phone() => OfficerJourneyAsync(PhoneWidth, PhoneHeight, "phone");

    private async Task FirmJourneyAsync(int width, int height, string size)
    {
        var title = $"我的申报旅程（{size}）：老旧小区智能垃圾分类投放改造";
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand(title, app.Clock.GetUtcNow().AddDays(20)));
        var firm = await TestData.FirmAsync(app, name: $"北京申报旅程{(size == "phone" ? "乙" : "甲")}物联科技有限公司");
        var member = await TestData.MemberAsync(app, firm);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await (await browser.NewContextAsync(Context(width, height))).NewPageAsync(), problems);
        await Browsers.SignInAsync(page, member.Email, TestData.Password);

        // A draft: only a few words of the approach. Nothing is sent for a draft.
        await page.GotoAsync($"/scenarios/{scenario.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "我要揭榜" }).ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "技术方案", Exact = true }).FillAsync("初稿：智能投放点改造。");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("草稿已保存");

        // Submitting the incomplete draft: every problem at once, in a focused summary linked to each field.
        await page.GetByLabel("报价（万元）").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申报" }).ClickAsync();
        var summary = page.Locator(".error-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync();
        await Assertions.Expect(summary).ToBeFocusedAsync();
        var links = summary.GetByRole(AriaRole.Link);
        Assert.True(await links.CountAsync() >= 5, "the approach, quote, team, schedule and the declarations are listed together");
        await Assertions.Expect(summary).ToContainTextAsync("技术方案应为");
        await Assertions.Expect(summary).ToContainTextAsync("请介绍项目团队");
        await Assertions.Expect(summary).ToContainTextAsync("请确认申报材料真实");
        await summary.GetByRole(AriaRole.Link, new() { Name = "请介绍项目团队（至少 10 个字）" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("项目团队")).ToBeFocusedAsync();
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"apply-errors-{size}.png"), FullPage = true });

        // The whole proposal: submitted, and the receipt (reference number, time, link) arrives.
        await Browsers.FillProposalAsync(page, "在每个投放点加装满溢检测和视频识别终端，接入督导平台，两个月内完成试点并上线提醒。", "120");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申报" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("回执邮件将发送到您的邮箱");
        await app.DrainOutboxAsync();
        var first = await WaitForCountAsync(m => To(m, member.Email) && Subject(m).Contains("申报回执") && Subject(m).Contains(title), 1);
        Assert.Matches(new Regex(@"回执编号：[A-Z0-9-]+-\d{12}-[0-9A-F]{4}"), first.TextBody);
        Assert.Contains("提交时间", first.TextBody);
        Assert.Contains("/firm/applications", first.TextBody);

        // Withdrawing asks first; going back changes nothing.
        await page.GetByRole(AriaRole.Link, new() { Name = "撤回申报" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("撤回申报");
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"withdraw-confirm-{size}.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "不撤回，返回" }).ClickAsync();
        await Assertions.Expect(page.GetByText("本企业已申报")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "撤回申报" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认撤回" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("申报已撤回");
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => To(m, member.Email) && Subject(m).Contains("撤回回执") && Subject(m).Contains(title));

        // Submitting again after the withdrawal: a second receipt arrives, with its own reference.
        await page.GetByRole(AriaRole.Link, new() { Name = "我要揭榜" }).ClickAsync();
        await page.GetByLabel("申报材料真实").CheckAsync();
        await page.GetByLabel("未重复申请财政资金").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申报" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("回执邮件将发送到您的邮箱");
        await app.DrainOutboxAsync();
        var second = await WaitForCountAsync(m => To(m, member.Email) && Subject(m).Contains("申报回执") && Subject(m).Contains(title), 2);
        Assert.NotEqual(first.MessageId, second.MessageId);

        // “我的申报”: the application with its state and a link; the hall card carries the badge.
        await page.GotoAsync("/firm");
        await page.GetByRole(AriaRole.Link, new() { Name = "我的申报", Exact = true }).ClickAsync();
        var card = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });
        await Assertions.Expect(card).ToContainTextAsync("已提交");
        await Assertions.Expect(card.GetByRole(AriaRole.Link, new() { Name = title, Exact = true })).ToBeVisibleAsync();
        await AssertFitsAsync(page, width);
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"my-applications-{size}.png"), FullPage = true });
        await page.GotoAsync("/scenarios?q=" + Uri.EscapeDataString("我的申报旅程"));
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title }).Locator(".badge")).ToHaveTextAsync("已申报");

        // A phone number that is not one is refused with its message.
        await page.GotoAsync("/firm/profile");
        await page.GetByLabel("联系电话").FillAsync("abc");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("联系电话格式不正确");
        Assert.Empty(problems);
    }

    private async Task OfficerJourneyAsync(int width, int height, string size)
    {
        var mark = size == "phone" ? "乙" : "甲";
        var title = $"浏览器新建场景（{size}）：社区智能垃圾分类督导";
        var officerAccount = await TestData.OfficerAsync(app);
        var chosen = await TestData.FirmAsync(app, name: $"北京选定{mark}垃圾分类科技有限公司");
        var chosenMember = await TestData.MemberAsync(app, chosen);
        var later = await TestData.FirmAsync(app, name: $"北京后邀{mark}物联设备有限公司");
        var laterMember = await TestData.MemberAsync(app, later);
        var silent = await TestData.FirmAsync(app, name: $"北京无联系人{mark}视觉科技有限公司");
        foreach (var f in new[] { chosen, later, silent }) await app.Get<SearchIndexer>().IndexEnterpriseAsync(f.Id, default);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await (await browser.NewContextAsync(Context(width, height))).NewPageAsync(), problems);
        await Browsers.SignInAsync(page, officerAccount.Email, TestData.Password);

        // The form: stacked fields, a Beijing-time deadline, rubric and milestone rows.
        await page.GotoAsync("/officer/scenarios/new");
        await page.GetByLabel("标题", new() { Exact = true }).FillAsync(title);
        await page.GetByLabel("摘要", new() { Exact = true }).FillAsync("在老旧小区改造智能投放点，实现满溢预警和督导提醒。");
        await page.GetByLabel("问题描述", new() { Exact = true }).FillAsync("镇域内老旧小区厨余垃圾分出率偏低，夜间无人督导，希望改造智能投放点，配置满溢检测和视频识别设备。");
        await page.GetByLabel("所属领域", new() { Exact = true }).FillAsync("数字化社区");
        await page.GetByLabel("实施地点", new() { Exact = true }).FillAsync("宋庄镇");
        await page.GetByLabel("关键技术（用顿号或逗号分隔）").FillAsync("物联网、计算机视觉");
        await page.GetByLabel("牵头部门", new() { Exact = true }).FillAsync("通州区城市管理委员会");
        await page.GetByLabel("预算下限（万元）").FillAsync("50");
        await page.GetByLabel("预算上限（万元）").FillAsync("300");
        var deadline = Marketplace.BuildingBlocks.Time.BeijingCalendar.LocalTime(app.Clock.GetUtcNow().AddDays(30)).Date.AddHours(17);
        await page.GetByLabel("申报截止（北京时间）").FillAsync(deadline.ToString("yyyy-MM-ddTHH:mm"));
        await Assertions.Expect(page.GetByText("按北京时间（UTC+8）填写")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-echo-for=ClosesAt]")).ToHaveTextAsync($"所选时间：{deadline:yyyy-MM-dd HH:mm}（北京时间）");

        var rubric = page.Locator("#Rubric");
        var total = rubric.Locator("output");
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"scenario-form-new-{size}.png"), FullPage = true });
        var initial = await total.TextContentAsync();
        Assert.True(initial == "100", $"running total {initial}; rows: {await rubric.InnerHTMLAsync()}");
        await rubric.GetByRole(AriaRole.Button, new() { Name = "删除 4" }).ClickAsync();        // 报价合理性 20
        await Assertions.Expect(total).ToHaveTextAsync("80");
        await rubric.GetByRole(AriaRole.Button, new() { Name = "添加一行" }).ClickAsync();
        await rubric.GetByLabel("评审指标 4").FillAsync("数据安全");
        await rubric.GetByLabel("权重 4").FillAsync("30");
        await Assertions.Expect(total).ToHaveTextAsync("110");
        var milestones = page.Locator("#MilestoneTemplate");
        await milestones.GetByRole(AriaRole.Button, new() { Name = "添加一行" }).ClickAsync();
        await milestones.GetByLabel("里程碑名称 4").FillAsync("推广复制");
        await milestones.GetByLabel("揭榜后天数 4").FillAsync("240");
        await milestones.GetByLabel("拨付（万元） 4").FillAsync("30");
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"scenario-form-{size}.png"), FullPage = true });

        // The server holds the rule too: 110 is refused with the field's message, and nothing typed is lost.
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("评审权重合计应为 100（当前为 110）");
        await Assertions.Expect(rubric.Locator(".error")).ToContainTextAsync("评审权重合计应为 100");
        await Assertions.Expect(rubric.GetByLabel("评审指标 4")).ToHaveValueAsync("数据安全");
        await AssertFitsAsync(page, width);
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"scenario-form-errors-{size}.png"), FullPage = true });
        await rubric.GetByLabel("权重 4").FillAsync("20");
        await Assertions.Expect(total).ToHaveTextAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("场景草稿已保存");
        await Assertions.Expect(page.GetByText("数据安全 20")).ToBeVisibleAsync();
        var scenarioId = Guid.Parse(Regex.Match(page.Url, "/scenarios/([0-9a-f-]{36})").Groups[1].Value);
        var saved = (await app.Get<ScenarioStore>().GetAsync(scenarioId, default))!;
        Assert.Equal(new[] { "技术方案", "团队与案例", "实施计划", "数据安全" }, saved.Rubric.Select(c => c.Name).ToArray());
        Assert.Equal((240, true, 30m), (saved.MilestoneTemplate[^1].OffsetDays, saved.MilestoneTemplate[^1].Final, saved.MilestoneTemplate[^1].TrancheWan));
        Assert.Equal(deadline, Marketplace.BuildingBlocks.Time.BeijingCalendar.LocalTime(saved.ClosesAt));

        // Publishing shows whom it would invite, with reasons and a fit in words; she invites exactly the firm she ticks.
        await page.GetByRole(AriaRole.Link, new() { Name = "发布场景" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("发布场景");
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = chosen.Name })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = later.Name })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".candidates").GetByText("技术匹配").First).ToBeVisibleAsync();
        Assert.DoesNotMatch(new Regex(@"\d\.\d{3}"), await page.Locator(".candidates").InnerTextAsync());
        foreach (var box in await page.GetByRole(AriaRole.Checkbox).AllAsync()) await box.UncheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = chosen.Name }).CheckAsync();
        await AssertFitsAsync(page, width);
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"publish-preview-{size}.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "发布并邀请所选企业" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("已邀请 1 家企业");
        Assert.Equal(new[] { chosen.Id }, (await app.Get<MatchingFeedback>().InvitedFirmsAsync(scenarioId, default)).ToArray());
        await app.DrainOutboxAsync();
        var invitation = await app.Smtp.WaitForAsync(m => To(m, chosenMember.Email) && Subject(m).Contains("揭榜邀请") && Subject(m).Contains(title));
        Assert.Contains("通州区城市管理委员会邀请贵单位", invitation.TextBody);
        Assert.DoesNotContain(app.Smtp.Messages, m => To(m, laterMember.Email) && Subject(m).Contains(title));

        // The chosen firm applies; then the officer changes the terms from the scenario page, and the applicant is told.
        var applied = await app.Get<Marketplace.Flows.Applications.ApplyForScenario>().HandleAsync(new(scenarioId, chosen.Id, chosenMember.Id,
            "智能投放点加装满溢检测与视频识别终端，接入督导平台并按月报送分出率。", 200, TestData.Team, TestData.Schedule, null, true, true, [], false), default);
        Assert.True(applied.IsSuccess, string.Join("；", applied.Errors.Select(e => e.Message)));
        await page.GetByRole(AriaRole.Link, new() { Name = "变更条款" }).ClickAsync();
        await page.GetByLabel("预算上限（万元）").FillAsync("280");
        await page.GetByLabel("变更说明").FillAsync("预算上限调整为 280 万元，其余条款不变。");
        await AssertFitsAsync(page, width);
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"change-terms-{size}.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "变更条款并通知申报企业" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("已通知 1 家申报企业");
        await app.DrainOutboxAsync();
        var terms = await app.Smtp.WaitForAsync(m => To(m, chosenMember.Email) && Subject(m).Contains("条款变更") && Subject(m).Contains(title));
        Assert.Contains("280", terms.TextBody);

        // Inviting by hand: the page says how many people got the email, or who got none and why.
        await page.GetByRole(AriaRole.Link, new() { Name = "推荐企业" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"邀请揭榜 · {later.Name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("邀请邮件已发给 1 位联系人");
        await page.GetByRole(AriaRole.Button, new() { Name = $"邀请揭榜 · {silent.Name}" }).ClickAsync();
        var alert = page.Locator("main > .flash.error");
        await Assertions.Expect(alert).ToContainTextAsync("未发出邮件");
        await Assertions.Expect(alert).ToContainTextAsync("该企业没有成员账号，也未填写联系邮箱");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"invite-held-back-{size}.png"), FullPage = true });
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => To(m, laterMember.Email) && Subject(m).Contains("揭榜邀请") && Subject(m).Contains(title));

        // The invited firm sees the invitation in the app, on “我的申报”.
        var firmPage = Browsers.Watch(await (await browser.NewContextAsync(Context(width, height))).NewPageAsync(), problems);
        await Browsers.SignInAsync(firmPage, laterMember.Email, TestData.Password);
        await firmPage.GotoAsync("/firm/applications");
        var invited = firmPage.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });
        await Assertions.Expect(invited).ToContainTextAsync("已邀请，尚未申报");
        await Assertions.Expect(invited.GetByRole(AriaRole.Link, new() { Name = "我要揭榜" })).ToBeVisibleAsync();
        await AssertFitsAsync(firmPage, width);
        await firmPage.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath($"my-invitations-{size}.png"), FullPage = true });
        Assert.Empty(problems);
    }

    private BrowserNewContextOptions Context(int width, int height) => new()
    {
        BaseURL = app.ServerAddress, Locale = "zh-CN", ViewportSize = new() { Width = width, Height = height },
    };

    /// <summary>Nothing on the page is wider than the window (no sideways scrolling on a phone).</summary>
    private static async Task AssertFitsAsync(IPage page, int width)
    {
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width + 1, $"{page.Url} is {scrollWidth}px wide in a {width}px window");
    }

    private async Task<MimeMessage> WaitForCountAsync(Func<MimeMessage, bool> match, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var found = app.Smtp.Messages.Where(match).ToList();
            if (found.Count >= count) return found[count - 1];
            await app.DrainOutboxAsync();
            await Task.Delay(100);
        }
        throw new TimeoutException($"Fewer than {count} matching emails arrived.");
    }

    private static bool To(MimeMessage m, string email) => m.To.ToString().Contains(email, StringComparison.OrdinalIgnoreCase);
    private static string Subject(MimeMessage m) => m.Subject ?? "";
}
