using Dapper;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Microsoft.Playwright;
using Npgsql;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// The whole 揭榜挂帅 process in Chromium, at desktop (1366×900) and phone (390×844) width, in Chinese and English:
/// publish, apply, review, publicity, award, milestones, landed, with the emails each step promises (receipt, review
/// assignment, shortlisting, award). Time is the one thing the test moves itself: it runs the scheduler's steps when
/// a deadline or publicity period is due.
/// </summary>
public sealed class ProcessBrowserTests(DemoMarketplaceApp app) : IClassFixture<DemoMarketplaceApp>
{
    [BrowserTheory]
    [InlineData("desktop", "zh-CN")]
    [InlineData("phone", "zh-CN")]
    [InlineData("desktop", "en")]
    [InlineData("phone", "en")]
    public async Task Publish_Apply_Review_Publicity_Award_Milestones(string size, string culture)
    {
        var ui = UiText.For(culture);
        var variant = $"{size}-{ui.Tag}";
        var (width, height) = Browsers.Viewport(size);
        var title = $"浏览器全流程（{variant}）：楼道智慧用电监测改造";
        var command = TestData.ScenarioCommand(title, app.Clock.GetUtcNow().AddHours(1)) with
        {
            Description = "老旧小区楼道线路老化，希望加装剩余电流、线缆温度监测终端，隐患时向物业和网格员告警。",
        };
        var officerAccount = await TestData.OfficerAsync(app);
        var scenarioId = (await app.Get<CreateScenario>().HandleAsync(command, default)).Value;
        var firm = await TestData.FirmAsync(app, name: "北京全流程用电安全科技有限公司");
        var member = await TestData.MemberAsync(app, firm);
        var reviewers = new List<UserAccount>();
        for (var i = 0; i < 2; i++)
            reviewers.Add(await app.Get<UserStore>().EnsureAsync($"expert{i}-{Guid.NewGuid():N}@expert.test", $"评审专家{i + 1}（{variant}）", TestData.Password, Roles.Reviewer, null, null, default));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        string[] milestones = ["实施方案评审", "试点部署", "验收"];
        string[] data = [title, firm.Name, .. reviewers.Select(r => r.DisplayName), "技术方案书.pdf", .. milestones, .. milestones.Select(m => $"{m}报告.pdf")];
        var problems = new List<string>();
        async Task<IPage> SignedIn(string email)
        {
            var page = Browsers.Watch(await (await ui.NewContextAsync(browser, app.ServerAddress, width, height)).NewPageAsync(), problems);
            await Browsers.SignInAsync(page, email, TestData.Password, ui);
            return page;
        }
        Task Shot(IPage page, string name) => Browsers.CheckpointAsync(page, ui, size, "process-" + name, data);

        // 张榜
        var officer = await SignedIn(officerAccount.Email);
        await Browsers.PublishFromWorkbenchAsync(officer, title, ui);

        // 揭榜
        var firmPage = await SignedIn(member.Email);
        await firmPage.GotoAsync($"/scenarios/{scenarioId}");
        await firmPage.GetByRole(AriaRole.Link, new() { Name = ui["我要揭榜"] }).ClickAsync();
        // A draft first: only the approach so far; then the attachment, then the whole proposal.
        await firmPage.GetByRole(AriaRole.Textbox, new() { Name = ui["技术方案"], Exact = true }).FillAsync("初稿：楼栋配电箱加装检测终端。");
        await firmPage.GetByRole(AriaRole.Button, new() { Name = ui["保存草稿"] }).ClickAsync();
        await Assertions.Expect(firmPage.GetByText(ui["草稿已保存（尚未提交，截止前请提交）。"])).ToBeVisibleAsync();
        await firmPage.Locator("input[type=file]").SetInputFilesAsync(Browsers.Pdf("技术方案书.pdf"));
        await firmPage.GetByRole(AriaRole.Button, new() { Name = ui["上传"], Exact = true }).ClickAsync();
        await Assertions.Expect(firmPage.GetByRole(AriaRole.Link, new() { Name = "技术方案书.pdf" })).ToBeVisibleAsync();
        await Browsers.FillProposalAsync(firmPage, "在每个楼栋配电箱加装具备剩余电流和线缆温度检测的终端，告警推送物业、网格员，三个月完成。", "150", ui);
        await firmPage.GetByRole(AriaRole.Button, new() { Name = ui["提交申报"] }).ClickAsync();
        await Assertions.Expect(firmPage.GetByText(ui["本企业已申报"])).ToBeVisibleAsync();
        await Shot(firmPage, "applied");
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => To(m, member.Email) && Subject(m).Contains("申报回执") && Subject(m).Contains(title));

        // 截止 (the scheduler's step, run when the deadline has passed)
        await TestData.PassAsync(app, (await app.Get<ScenarioStore>().GetAsync(scenarioId, default))!.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();

        // 评审: each expert assigned is told by email, and scores on the desk.
        await officer.GotoAsync($"/officer/scenarios/{scenarioId}/process");
        await officer.GetByRole(AriaRole.Button, new() { Name = ui["开始评审"] }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["评审中"]);
        await Assertions.Expect(officer.GetByRole(AriaRole.Link, new() { Name = "技术方案书.pdf" })).ToBeVisibleAsync();
        foreach (var reviewer in reviewers)
        {
            await officer.GetByRole(AriaRole.Combobox, new() { Name = $"{ui["评审专家"]} {firm.Name}" }).SelectOptionAsync(new SelectOptionValue { Label = reviewer.DisplayName });
            await officer.GetByRole(AriaRole.Button, new() { Name = $"{ui["分配"]} {firm.Name}" }).ClickAsync();
            await Assertions.Expect(officer.GetByText(ui["已分配评审专家"])).ToBeVisibleAsync();
        }
        await Shot(officer, "review");
        await app.DrainOutboxAsync();
        foreach (var reviewer in reviewers)
            await app.Smtp.WaitForAsync(m => To(m, reviewer.Email) && Subject(m).Contains("评审任务") && Subject(m).Contains(title));
        foreach (var (reviewer, score) in reviewers.Zip(new[] { "85", "75" }))
        {
            var desk = await SignedIn(reviewer.Email);
            await desk.GotoAsync("/reviewer");
            foreach (var criterion in new[] { "技术方案", "团队与案例", "实施计划", "报价合理性" })
                await desk.GetByRole(AriaRole.Spinbutton, new() { Name = criterion }).FillAsync(score);
            if (reviewer == reviewers[0]) await Shot(desk, "reviewer");
            await desk.GetByRole(AriaRole.Button, new() { Name = ui["提交评分"] }).ClickAsync();
            await Assertions.Expect(desk.GetByText(ui["评分已提交"])).ToBeVisibleAsync();
        }

        // 决定与公示: the firm is told it is shortlisted.
        await officer.ReloadAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Cell, new() { Name = "80.00" })).ToBeVisibleAsync();
        await officer.GetByRole(AriaRole.Checkbox, new() { Name = $"{ui["入选"]} {firm.Name}" }).CheckAsync();
        await officer.GetByLabel(ui["决定理由"]).FillAsync("两位专家一致认可，方案成熟、报价合理。");
        await officer.GetByRole(AriaRole.Button, new() { Name = ui["作出决定并公示"] }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui.Lead("已公示，公示期至 {0}"));
        await Shot(officer, "publicity");
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => To(m, member.Email) && Subject(m).Contains("拟入选公示") && Subject(m).Contains(title));
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = now() - interval '1 minute' where id = @scenarioId", new { scenarioId });
        await app.Get<AwardProcess>().FinishPublicityAsync(default);

        // 挂帅与实施: the award is final, and the firm is told.
        await officer.ReloadAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["已挂帅"]);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => To(m, member.Email) && Subject(m).Contains("揭榜成功") && Subject(m).Contains(title));
        await officer.GetByRole(AriaRole.Button, new() { Name = ui["签订任务书，开始实施"] }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["已开始实施，生成 {0} 个里程碑", 3]);

        foreach (var (milestone, verdict) in new[] { ("实施方案评审", "continue"), ("试点部署", "continue"), ("验收", "accepted") })
        {
            await firmPage.GotoAsync("/firm/milestones");
            var card = firmPage.Locator("li.card", new() { HasText = milestone });
            await card.Locator("input[type=file]").SetInputFilesAsync(Browsers.Pdf($"{milestone}报告.pdf"));
            await card.GetByRole(AriaRole.Button, new() { Name = ui["上传"], Exact = true }).ClickAsync();
            await Assertions.Expect(firmPage.GetByRole(AriaRole.Link, new() { Name = $"{milestone}报告.pdf" })).ToBeVisibleAsync();
            await firmPage.GetByLabel(ui["交付成果与证明材料"] + ui.Paren(milestone)).FillAsync($"{milestone}：已完成，附报告和照片。");
            if (verdict == "accepted") await Shot(firmPage, "milestones");
            await firmPage.GetByRole(AriaRole.Button, new() { Name = $"{ui["提交材料"]} {milestone}" }).ClickAsync();
            await Assertions.Expect(firmPage.GetByText(ui["交付材料已提交。"])).ToBeVisibleAsync();
            await officer.ReloadAsync();
            await Assertions.Expect(officer.GetByRole(AriaRole.Link, new() { Name = $"{milestone}报告.pdf" })).ToBeVisibleAsync();
            await officer.GetByRole(AriaRole.Combobox, new() { Name = $"{ui["结论"]} {milestone}" }).SelectOptionAsync(verdict);
            await officer.GetByRole(AriaRole.Button, new() { Name = $"{ui["记录结论"]} {milestone}" }).ClickAsync();
            await Assertions.Expect(officer.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui.Lead("结论已记录（场景：{0}）"));
        }

        await Assertions.Expect(officer.GetByRole(AriaRole.Status).First).ToContainTextAsync(ui["已落地"]);
        await Shot(officer, "landed");
        Assert.Empty(problems);
    }



    private static bool To(MimeKit.MimeMessage m, string email) => m.To.ToString().Contains(email, StringComparison.OrdinalIgnoreCase);
    private static string Subject(MimeKit.MimeMessage m) => m.Subject ?? "";
}
