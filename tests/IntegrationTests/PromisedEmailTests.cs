using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Flows.Indexing;
using Marketplace.Flows.Recommending;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Scenarios;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Every email a page promises is sent, or the page says who got none and why (issue 16): receipts per submission,
/// invitations with their held-back addresses, publication inviting exactly the ticked firms, terms changed from a form.
/// </summary>
public sealed class PromisedEmailTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task SubmitWithdrawSubmitAgain_SendsTwoReceipts_EachWithItsOwnReference()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("回执测试：撤回后再次提交"));
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        var body = TestData.Proposal("第一次提交的技术方案：部署智能投放设备并接入督导平台，分两期实施。", 100);

        (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body with { QuotedBudgetWan = 90 })).EnsureSuccessStatusCode(); // an edit
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", null)).StatusCode);
        (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body)).EnsureSuccessStatusCode();
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email) && (m.Subject ?? "").Contains("撤回回执"));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Receipts().Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        await Task.Delay(300);

        var receipts = Receipts();
        Assert.Equal(2, receipts.Count); // the first submission and the one after the withdrawal; the edit sends none
        var references = receipts.Select(r => System.Text.RegularExpressions.Regex.Match(r.TextBody ?? "", @"回执编号：(\S+)").Groups[1].Value).ToList();
        Assert.All(references, r => Assert.StartsWith(scenario.Code + "-", r));
        Assert.Contains("/firm/applications", receipts[0].TextBody);
        Assert.Contains("提交时间", receipts[0].HtmlBody);

        List<MimeKit.MimeMessage> Receipts() =>
            app.Smtp.Messages.Where(m => m.To.ToString().Contains(member.Email) && (m.Subject ?? "").Contains("申报回执")).ToList();
    }

    [PostgresFact]
    public async Task Inviting_AFirmWithNobodyToWrite_RecordsTheInvitation_AndSaysWhyNoEmailWent()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("邀请测试：无联系人的企业"));
        var firm = await TestData.FirmAsync(app, name: "北京无人可联系物联科技有限公司");
        await app.Get<SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var response = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/invitations", new InviteDto(firm.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadAsync<JsonElement>();
        Assert.Equal(0, json.GetProperty("recipients").GetInt32());
        var held = Assert.Single(json.GetProperty("heldBack").EnumerateArray());
        Assert.Equal("no_contact", held.GetProperty("code").GetString());
        Assert.Contains(firm.Id, await app.Get<MatchingFeedback>().InvitedFirmsAsync(scenario.Id, default));
    }

    [PostgresFact]
    public async Task PublishingFromThePreview_InvitesExactlyTheTickedFirms()
    {
        var id = (await app.Get<CreateScenario>().HandleAsync(TestData.ScenarioCommand("预览发布：老旧小区智能垃圾分类投放改造"), default)).Value;
        var ticked = await TestData.FirmAsync(app, name: "北京勾选物联科技有限公司");
        var tickedMember = await TestData.MemberAsync(app, ticked);
        var unticked = await TestData.FirmAsync(app, name: "北京未勾选物联科技有限公司");
        var untickedMember = await TestData.MemberAsync(app, unticked);
        foreach (var f in new[] { ticked, unticked }) await app.Get<SearchIndexer>().IndexEnterpriseAsync(f.Id, default);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var preview = await officer.GetStringAsync($"/officer/scenarios/{id}/publish");
        Assert.Contains(ticked.Name, preview);
        Assert.Contains(unticked.Name, preview);
        Assert.DoesNotMatch(@"\d\.\d{3}", preview);
        var published = await MarketplaceApp.PostFormAsync(officer, $"/officer/scenarios/{id}/publish", $"/officer/scenarios/{id}/publish",
            new Dictionary<string, string> { ["invite"] = ticked.Id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        await app.DrainOutboxAsync();

        Assert.Equal(ScenarioStatus.Published, (await app.Get<ScenarioStore>().GetAsync(id, default))!.Status);
        Assert.Equal(new[] { ticked.Id }, (await app.Get<MatchingFeedback>().InvitedFirmsAsync(id, default)).ToArray());
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(tickedMember.Email) && (m.Subject ?? "").Contains("揭榜邀请"));
        Assert.Contains("区科委邀请贵单位", mail.TextBody); // the owner department by name, not “区级部门”
        await Task.Delay(300);
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.ToString().Contains(untickedMember.Email));
    }

    [PostgresFact]
    public async Task ChangingTermsFromTheForm_WithUnreadableInput_ShowsEveryProblem_AndChangesNothing()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("变更条款表单：投放点改造"));
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var page = $"/officer/scenarios/{scenario.Id}/terms";

        var bad = await MarketplaceApp.PostFormAsync(officer, page, page, new Dictionary<string, string>
        {
            ["BudgetMaxWan"] = "很多", ["MinRegisteredCapitalWan"] = "0", ["ChangeNote"] = "", ["Description"] = scenario.Description,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var html = await bad.Content.ReadAsStringAsync();
        Assert.Contains("error-summary", html);
        Assert.Contains("请说明变更内容", html);
        Assert.Contains("href=\"#BudgetMaxWan\"", html);
        Assert.Equal(scenario.BudgetMaxWan, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.BudgetMaxWan);

        var good = await MarketplaceApp.PostFormAsync(officer, page, page, new Dictionary<string, string>
        {
            ["BudgetMaxWan"] = "250", ["MinRegisteredCapitalWan"] = "0", ["ChangeNote"] = "预算上限调整为 250 万元。", ["Description"] = scenario.Description,
            ["ClosesAt"] = Marketplace.BuildingBlocks.Time.BeijingCalendar.LocalTime(scenario.ClosesAt).ToString("yyyy-MM-ddTHH:mm"),
        });
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal(250m, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.BudgetMaxWan);
    }
}
