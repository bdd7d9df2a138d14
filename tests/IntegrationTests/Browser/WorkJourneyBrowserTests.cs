using System.Text.RegularExpressions;
using Marketplace.Flows.Indexing;
using Marketplace.Flows.Notices;
using Marketplace.Flows.Recommending;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Microsoft.Playwright;
using MimeKit;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// The signed-in work of issue 16 in Chromium, at desktop (1366×900) and phone (390×844) width, in Chinese and in
/// English: a firm follows a scenario, drafts, is shown every problem at once, submits, withdraws after a confirmation
/// step, submits again, reads “我的申报” and is reminded of the deadline; an officer creates a scenario with rubric and
/// milestone rows, previews the invitations, publishes inviting exactly the firm she chose, changes the terms and
/// invites by hand. Each promised email is read from the in-process SMTP server; each page is screenshotted under
/// artifacts/screenshots with its size and language in the name.
/// </summary>
public sealed class WorkJourneyBrowserTests(ListeningMarketplaceApp app) : IClassFixture<ListeningMarketplaceApp>
{
    [BrowserTheory]
    [InlineData("desktop", "zh-CN")]
    [InlineData("phone", "zh-CN")]
    [InlineData("desktop", "en")]
    [InlineData("phone", "en")]
    public Task FirmJourney(string size, string culture) => FirmJourneyAsync(size, UiText.For(culture));

    [BrowserTheory]
    [InlineData("desktop", "zh-CN")]
    [InlineData("phone", "zh-CN")]
    [InlineData("desktop", "en")]
    [InlineData("phone", "en")]
    public Task OfficerJourney(string size, string culture) => OfficerJourneyAsync(size, UiText.For(culture));

    private async Task FirmJourneyAsync(string size, UiText ui)
    {
        var (width, _) = Browsers.Viewport(size);
        var variant = $"{size}-{ui.Tag}";
        var title = $"我的申报旅程（{variant}）：老旧小区智能垃圾分类投放改造";
        // Two days to the deadline: inside the reminder window (3 days ahead), with room for the whole journey.
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand(title, app.Clock.GetUtcNow().AddDays(2)));
        var firm = await TestData.FirmAsync(app, name: $"北京申报旅程{Mark(size, ui)}物联科技有限公司");
        var member = await TestData.MemberAsync(app, firm);
        string[] data = [title, firm.Name];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await (await NewContextAsync(browser, size, ui)).NewPageAsync(), problems);
        await Browsers.SignInAsync(page, member.Email, TestData.Password, ui);

        // Following the scenario: it is listed under “我的关注”, and the deadline reminder comes to this person.
        await page.GotoAsync($"/scenarios/{scenario.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = ui["关注此场景（截止前提醒）"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["已关注。"]);
        await page.GotoAsync("/account/follows");
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title })).ToContainTextAsync(ui["场景"] + ui.Colon + title);
        await Browsers.CheckpointAsync(page, ui, size, "follows", data);

        // A draft: only a few words of the approach. Nothing is sent for a draft.
        await page.GotoAsync($"/scenarios/{scenario.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = ui["我要揭榜"] }).ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = ui["技术方案"], Exact = true }).FillAsync("初稿：智能投放点改造。");
        await page.GetByRole(AriaRole.Button, new() { Name = ui["保存草稿"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["草稿已保存（尚未提交，截止前请提交）。"]);

        // Submitting the incomplete draft: every problem at once, in a focused summary linked to each field.
        await page.GetByLabel(ui["报价（万元）"]).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = ui["提交申报"] }).ClickAsync();
        var summary = page.Locator(".error-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync();
        await Assertions.Expect(summary).ToBeFocusedAsync();
        var links = summary.GetByRole(AriaRole.Link);
        Assert.True(await links.CountAsync() >= 5, "the approach, quote, team, schedule and the declarations are listed together");
        await Assertions.Expect(summary).ToContainTextAsync(ui["技术方案应为 20–20000 个字"]);
        await Assertions.Expect(summary).ToContainTextAsync(ui["请介绍项目团队（至少 10 个字）"]);
        await Assertions.Expect(summary).ToContainTextAsync(ui["请确认申报材料真实、准确、完整"]);
        await summary.GetByRole(AriaRole.Link, new() { Name = ui["请介绍项目团队（至少 10 个字）"] }).ClickAsync();
        await Assertions.Expect(page.GetByLabel(ui["项目团队（负责人、核心成员及分工）"])).ToBeFocusedAsync();
        await Browsers.CheckpointAsync(page, ui, size, "apply-errors", data);

        // The whole proposal: submitted, and the receipt (reference number, time, link) arrives.
        await Browsers.FillProposalAsync(page, "在每个投放点加装满溢检测和视频识别终端，接入督导平台，两个月内完成试点并上线提醒。", "120", ui);
        await page.GetByRole(AriaRole.Button, new() { Name = ui["提交申报"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["申报已提交，回执邮件将发送到您的邮箱。"]);
        await app.DrainOutboxAsync();
        var first = await WaitForCountAsync(m => To(m, member.Email) && Subject(m).Contains("申报回执") && Subject(m).Contains(title), 1);
        Assert.Matches(new Regex(@"回执编号：[A-Z0-9-]+-\d{12}-[0-9A-F]{4}"), first.TextBody);
        Assert.Contains("提交时间", first.TextBody);
        Assert.Contains("/firm/applications", first.TextBody);

        // Withdrawing asks first; going back changes nothing.
        await page.GetByRole(AriaRole.Link, new() { Name = ui["撤回申报"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(ui["撤回申报"]);
        await Browsers.CheckpointAsync(page, ui, size, "withdraw-confirm", data);
        await page.GetByRole(AriaRole.Link, new() { Name = ui["不撤回，返回"] }).ClickAsync();
        await Assertions.Expect(page.GetByText(ui["本企业已申报"])).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = ui["撤回申报"] }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = ui["确认撤回"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["申报已撤回；截止前可重新提交。"]);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => To(m, member.Email) && Subject(m).Contains("撤回回执") && Subject(m).Contains(title));

        // Submitting again after the withdrawal: a second receipt arrives, with its own reference.
        await page.GetByRole(AriaRole.Link, new() { Name = ui["我要揭榜"] }).ClickAsync();
        await Browsers.DeclareAsync(page, ui);
        await page.GetByRole(AriaRole.Button, new() { Name = ui["提交申报"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["申报已提交，回执邮件将发送到您的邮箱。"]);
        await app.DrainOutboxAsync();
        var second = await WaitForCountAsync(m => To(m, member.Email) && Subject(m).Contains("申报回执") && Subject(m).Contains(title), 2);
        Assert.NotEqual(first.MessageId, second.MessageId);

        // “我的申报”: the application with its state and a link; the hall card carries the badge.
        await page.GotoAsync("/firm");
        await page.GetByRole(AriaRole.Link, new() { Name = ui["我的申报"], Exact = true }).ClickAsync();
        var card = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });
        await Assertions.Expect(card).ToContainTextAsync(ui["已提交"]);
        await Assertions.Expect(card.GetByRole(AriaRole.Link, new() { Name = title, Exact = true })).ToBeVisibleAsync();
        // The button's name says which application it opens, with the reader's colon.
        await Assertions.Expect(card.GetByRole(AriaRole.Link, new() { NameRegex = new Regex($@"^{Regex.Escape(ui["查看或修改"])}\s*{Regex.Escape(ui.Colon.Trim())}\s*{Regex.Escape(title)}$") })).ToBeVisibleAsync();
        await Browsers.CheckpointAsync(page, ui, size, "my-applications", data);
        await page.GotoAsync("/scenarios?q=" + Uri.EscapeDataString("我的申报旅程"));
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title }).Locator(".badge")).ToHaveTextAsync(ui["已申报"]);

        // A phone number that is not one is refused with its message.
        await page.GotoAsync("/firm/profile");
        await page.GetByLabel(ui["联系电话"]).FillAsync("abc");
        await page.GetByRole(AriaRole.Button, new() { Name = ui["保存"], Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync(
            ui["联系电话格式不正确：请填写手机号（如 13800138000）或带区号的座机（如 010-81234567，分机可写“转 123”）"]);
        await Browsers.AssertFitsAsync(page, width);

        // Three days before the deadline the scheduler's step reminds the follower (the application is no draft).
        await app.Get<Follows>().DeadlineRemindersAsync(default);
        await app.DrainOutboxAsync();
        var reminder = await app.Smtp.WaitForAsync(m => To(m, member.Email) && Subject(m).Contains("天后截止") && Subject(m).Contains(title));
        Assert.Contains("您关注了这个场景", reminder.TextBody);
        Assert.Empty(problems);
    }

    private async Task OfficerJourneyAsync(string size, UiText ui)
    {
        var (width, _) = Browsers.Viewport(size);
        var variant = $"{size}-{ui.Tag}";
        var mark = Mark(size, ui);
        var title = $"浏览器新建场景（{variant}）：社区智能垃圾分类督导";
        // The variants share the app: a technology of this variant's own keeps its three firms at the top of the preview.
        var own = Technology(size, ui);
        string[] technologies = ["物联网", "计算机视觉", own];
        var officerAccount = await TestData.OfficerAsync(app);
        var chosen = await TestData.FirmAsync(app, name: $"北京选定{mark}垃圾分类科技有限公司", technologies: technologies);
        var chosenMember = await TestData.MemberAsync(app, chosen);
        var later = await TestData.FirmAsync(app, name: $"北京后邀{mark}物联设备有限公司", technologies: technologies);
        var laterMember = await TestData.MemberAsync(app, later);
        var silent = await TestData.FirmAsync(app, name: $"北京无联系人{mark}视觉科技有限公司", technologies: technologies);
        foreach (var f in new[] { chosen, later, silent }) await app.Get<SearchIndexer>().IndexEnterpriseAsync(f.Id, default);
        string[] data = [title, chosen.Name, later.Name, silent.Name];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await (await NewContextAsync(browser, size, ui)).NewPageAsync(), problems);
        await Browsers.SignInAsync(page, officerAccount.Email, TestData.Password, ui);

        // The form: stacked fields, a Beijing-time deadline, rubric and milestone rows.
        await page.GotoAsync("/officer/scenarios/new");
        await page.GetByLabel(ui["标题"], new() { Exact = true }).FillAsync(title);
        await page.GetByLabel(ui["摘要"], new() { Exact = true }).FillAsync("在老旧小区改造智能投放点，实现满溢预警和督导提醒。");
        await page.GetByLabel(ui["问题描述"], new() { Exact = true }).FillAsync("镇域内老旧小区厨余垃圾分出率偏低，夜间无人督导，希望改造智能投放点，配置满溢检测和视频识别设备。");
        await page.GetByLabel(ui["所属领域"], new() { Exact = true }).FillAsync("数字化社区");
        await page.GetByLabel(ui["实施地点"], new() { Exact = true }).FillAsync("宋庄镇");
        await page.GetByLabel(ui["关键技术（用顿号或逗号分隔）"]).FillAsync(string.Join("、", technologies));
        await page.GetByLabel(ui["牵头部门"], new() { Exact = true }).FillAsync("通州区城市管理委员会");
        await page.GetByLabel(ui["预算下限（万元）"]).FillAsync("50");
        await page.GetByLabel(ui["预算上限（万元）"]).FillAsync("300");
        var deadline = Marketplace.BuildingBlocks.Time.BeijingCalendar.LocalTime(app.Clock.GetUtcNow().AddDays(30)).Date.AddHours(17);
        await page.GetByLabel(ui["申报截止（北京时间）"]).FillAsync(deadline.ToString("yyyy-MM-ddTHH:mm"));
        await Assertions.Expect(page.GetByText(ui["按北京时间（UTC+8）填写，例如 2027-01-03 17:00。"])).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-echo-for=ClosesAt]")).ToHaveTextAsync(ui["所选时间：{0}（北京时间）", $"{deadline:yyyy-MM-dd HH:mm}"]);

        var rubric = page.Locator("#Rubric");
        var total = rubric.Locator("output");
        await Browsers.CheckpointAsync(page, ui, size, "scenario-form-new", data);
        var initial = await total.TextContentAsync();
        Assert.True(initial == "100", $"running total {initial}; rows: {await rubric.InnerHTMLAsync()}");
        await rubric.GetByRole(AriaRole.Button, new() { Name = $"{ui["删除"]} 4" }).ClickAsync();        // 报价合理性 20
        await Assertions.Expect(total).ToHaveTextAsync("80");
        await rubric.GetByRole(AriaRole.Button, new() { Name = ui["添加一行"] }).ClickAsync();
        await rubric.GetByLabel($"{ui["评审指标"]} 4").FillAsync("数据安全");
        await rubric.GetByLabel($"{ui["权重"]} 4").FillAsync("30");
        await Assertions.Expect(total).ToHaveTextAsync("110");
        var milestones = page.Locator("#MilestoneTemplate");
        await milestones.GetByRole(AriaRole.Button, new() { Name = ui["添加一行"] }).ClickAsync();
        await milestones.GetByLabel($"{ui["里程碑名称"]} 4").FillAsync("推广复制");
        await milestones.GetByLabel($"{ui["揭榜后天数"]} 4").FillAsync("240");
        await milestones.GetByLabel($"{ui["拨付（万元）"]} 4").FillAsync("30");
        await Browsers.CheckpointAsync(page, ui, size, "scenario-form", data);

        // The server holds the rule too: 110 is refused with the field's message, and nothing typed is lost.
        await page.GetByRole(AriaRole.Button, new() { Name = ui["保存草稿"] }).ClickAsync();
        await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync(ui["评审权重合计应为 100（当前为 {0}）", 110]);
        await Assertions.Expect(rubric.Locator(".error")).ToContainTextAsync(ui["评审权重合计应为 100（当前为 {0}）", 110]);
        await Assertions.Expect(rubric.GetByLabel($"{ui["评审指标"]} 4")).ToHaveValueAsync("数据安全");
        await Browsers.CheckpointAsync(page, ui, size, "scenario-form-errors", data);
        await rubric.GetByLabel($"{ui["权重"]} 4").FillAsync("20");
        await Assertions.Expect(total).ToHaveTextAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = ui["保存草稿"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["场景草稿已保存，确认无误后即可发布。"]);
        await Assertions.Expect(page.GetByText("数据安全 20")).ToBeVisibleAsync();
        var scenarioId = Guid.Parse(Regex.Match(page.Url, "/scenarios/([0-9a-f-]{36})").Groups[1].Value);
        var saved = (await app.Get<ScenarioStore>().GetAsync(scenarioId, default))!;
        Assert.Equal(new[] { "技术方案", "团队与案例", "实施计划", "数据安全" }, saved.Rubric.Select(c => c.Name).ToArray());
        Assert.Equal((240, true, 30m), (saved.MilestoneTemplate[^1].OffsetDays, saved.MilestoneTemplate[^1].Final, saved.MilestoneTemplate[^1].TrancheWan));
        Assert.Equal(deadline, Marketplace.BuildingBlocks.Time.BeijingCalendar.LocalTime(saved.ClosesAt));
        await Browsers.CheckpointAsync(page, ui, size, "scenario-preview", data);

        // Publishing shows whom it would invite, with reasons and a fit in words; she invites exactly the firm she ticks.
        await page.GetByRole(AriaRole.Link, new() { Name = ui["发布场景"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(ui["发布场景"]);
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = chosen.Name })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = later.Name })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".candidates").GetByText(ui.Lead("技术匹配：{0}（{1}/{2}）")).First).ToBeVisibleAsync();
        Assert.DoesNotMatch(new Regex(@"\d\.\d{3}"), await page.Locator(".candidates").InnerTextAsync());
        foreach (var box in await page.GetByRole(AriaRole.Checkbox).AllAsync()) await box.UncheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = chosen.Name }).CheckAsync();
        await Browsers.CheckpointAsync(page, ui, size, "publish-preview", data);
        await page.GetByRole(AriaRole.Button, new() { Name = ui["发布并邀请所选企业"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["场景已发布（张榜），公众可检索并申报；已邀请 {0} 家企业。", 1]);
        Assert.Equal(new[] { chosen.Id }, (await app.Get<MatchingFeedback>().InvitedFirmsAsync(scenarioId, default)).ToArray());
        await app.DrainOutboxAsync();
        var invitation = await app.Smtp.WaitForAsync(m => To(m, chosenMember.Email) && Subject(m).Contains("揭榜邀请") && Subject(m).Contains(title));
        Assert.Contains("通州区城市管理委员会邀请贵单位", invitation.TextBody);
        Assert.DoesNotContain(app.Smtp.Messages, m => To(m, laterMember.Email) && Subject(m).Contains(title));

        // The chosen firm applies; then the officer changes the terms from the scenario page, and the applicant is told.
        var applied = await app.Get<Marketplace.Flows.Applications.ApplyForScenario>().HandleAsync(new(scenarioId, chosen.Id, chosenMember.Id,
            "智能投放点加装满溢检测与视频识别终端，接入督导平台并按月报送分出率。", 200, TestData.Team, TestData.Schedule, null, true, true, [], false), default);
        Assert.True(applied.IsSuccess, string.Join("；", applied.Errors.Select(e => e.Message)));
        await page.GetByRole(AriaRole.Link, new() { Name = ui["变更条款"] }).ClickAsync();
        await page.GetByLabel(ui["预算上限（万元）"]).FillAsync("280");
        await page.GetByLabel(ui["变更说明（申报企业会在邮件中看到）"]).FillAsync("预算上限调整为 280 万元，其余条款不变。");
        await Browsers.CheckpointAsync(page, ui, size, "change-terms", data);
        await page.GetByRole(AriaRole.Button, new() { Name = ui["变更条款并通知申报企业"] }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["条款已变更；已通知 {0} 家申报企业，请其在截止前确认。", 1]);
        await app.DrainOutboxAsync();
        var terms = await app.Smtp.WaitForAsync(m => To(m, chosenMember.Email) && Subject(m).Contains("条款变更") && Subject(m).Contains(title));
        Assert.Contains("280", terms.TextBody);

        // Inviting by hand: the page says how many people got the email, or who got none and why.
        await page.GetByRole(AriaRole.Link, new() { Name = ui["推荐企业"] }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"{ui["邀请揭榜"]} · {later.Name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["已邀请{0}：邀请邮件已发给 {1} 位联系人。", later.Name, 1]);
        await page.GetByRole(AriaRole.Button, new() { Name = $"{ui["邀请揭榜"]} · {silent.Name}" }).ClickAsync();
        var alert = page.Locator("main > .flash.error");
        await Assertions.Expect(alert).ToHaveTextAsync(ui["已记录对{0}的邀请（企业登录后可在“我的申报”中看到），但未发出邮件：{1}。",
            silent.Name, ui["该企业没有成员账号，也未填写联系邮箱"]]);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        await Browsers.CheckpointAsync(page, ui, size, "invite-held-back", data);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => To(m, laterMember.Email) && Subject(m).Contains("揭榜邀请") && Subject(m).Contains(title));

        // The invited firm sees the invitation in the app, on “我的申报”.
        var firmPage = Browsers.Watch(await (await NewContextAsync(browser, size, ui)).NewPageAsync(), problems);
        await Browsers.SignInAsync(firmPage, laterMember.Email, TestData.Password, ui);
        await firmPage.GotoAsync("/firm/applications");
        var invited = firmPage.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });
        await Assertions.Expect(invited).ToContainTextAsync(ui["已邀请，尚未申报"]);
        await Assertions.Expect(invited.GetByRole(AriaRole.Link, new() { Name = ui["我要揭榜"] })).ToBeVisibleAsync();
        await Assertions.Expect(invited.Locator(".reasons")).ToContainTextAsync(ui.Lead("技术匹配：{0}（{1}/{2}）"));
        await Browsers.CheckpointAsync(firmPage, ui, size, "my-invitations", data);
        Assert.Empty(problems);
    }

    /// <summary>A window of the size, reading the site in the language.</summary>
    private Task<IBrowserContext> NewContextAsync(IBrowser browser, string size, UiText ui) =>
        ui.NewContextAsync(browser, app.ServerAddress, Browsers.Viewport(size).Width, Browsers.Viewport(size).Height);

    /// <summary>A technology only one variant's officer journey asks for (and its firms offer).</summary>
    private static string Technology(string size, UiText ui) => (size, ui.IsEnglish) switch
    {
        ("desktop", false) => "毫米波雷达", ("phone", false) => "边缘计算", ("desktop", true) => "数字孪生", _ => "大数据",
    };

    /// <summary>A mark that keeps the firms of one variant apart from another's in names (甲 乙 丙 丁).</summary>
    private static string Mark(string size, UiText ui) => (size, ui.IsEnglish) switch
    {
        ("desktop", false) => "甲", ("phone", false) => "乙", ("desktop", true) => "丙", _ => "丁",
    };



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
