using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

/// <summary>
/// The slice through the whole product over HTTP: an officer publishes, a visitor finds it by Chinese text, a firm
/// applies, the matcher lists the firm, and the receipt reaches a real SMTP server through the outbox.
/// </summary>
public sealed class ThinSliceTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task PublishSearchApplyRecommendNotify_WorksEndToEnd()
    {
        var officer = await TestData.OfficerAsync(app);
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var officerClient = await app.SignedInClientAsync(officer.Email, TestData.Password);

        var created = await officerClient.PostAsJsonAsync("/api/v1/scenarios", TestData.ScenarioCommand("运河畔社区智能垃圾分类督导"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadAsync<CreatedDto>()).Id;
        Assert.Equal(HttpStatusCode.OK, (await officerClient.PostAsync($"/api/v1/scenarios/{id}/publish", null)).StatusCode);
        await app.DrainOutboxAsync();

        // A visitor finds it by a fragment inside a longer word (安装简单 → 简单) and by a part of the title.
        var visitor = app.CreateClient();
        var search = await visitor.GetFromJsonAsync<ScenarioSearchDto>("/api/v1/scenarios?q=" + Uri.EscapeDataString("简单"));
        Assert.Contains(search!.Items, i => i.Id == id);
        var byTitle = await visitor.GetFromJsonAsync<ScenarioSearchDto>("/api/v1/scenarios?q=" + Uri.EscapeDataString("分类督导"));
        Assert.Contains("<mark>", Assert.Single(byTitle!.Items, i => i.Id == id).TitleHtml);

        var memberClient = await app.SignedInClientAsync(member.Email, TestData.Password);
        var applied = await memberClient.PostAsJsonAsync($"/api/v1/scenarios/{id}/applications",
            TestData.Proposal("部署满溢检测与视频识别终端，三个月内完成四十个投放点改造并接入督导平台。", 200));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        await app.DrainOutboxAsync();

        var receipt = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email));
        Assert.Contains("申报回执", receipt.Subject);
        Assert.Contains("运河畔社区智能垃圾分类督导", receipt.TextBody);
        Assert.NotNull(receipt.HtmlBody);
        Assert.EndsWith("@marketplace.local", receipt.MessageId);

        var recommendations = await officerClient.GetFromJsonAsync<List<RecommendationDto>>($"/api/v1/scenarios/{id}/recommendations");
        var mine = Assert.Single(recommendations!, r => r.EnterpriseId == firm.Id);
        Assert.Contains(mine.Reasons, r => r.Kind == "technology");
        // The firm's own application is still sealed: it may not show as domain experience (or load) before the deadline.
        Assert.DoesNotContain(mine.Reasons, r => r.Kind is "domain" or "load");
    }

    [PostgresFact]
    public async Task Apply_Twice_KeepsOneApplicationAndOneReceipt()
    {
        var scenario = await TestData.PublishedScenarioAsync(app);
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);

        var body = TestData.Proposal("第一次提交：部署智能投放设备并接入督导平台，分两期实施完成。", 100);
        var first = await (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body)).ReadAsync<CreatedDto>();
        var second = await (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body with { QuotedBudgetWan = 90 })).ReadAsync<CreatedDto>();
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email));
        await Task.Delay(500);

        Assert.Equal(first.Id, second.Id);
        Assert.Single(app.Smtp.Messages, m => m.To.ToString().Contains(member.Email));
    }
}
