using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

/// <summary>Changing the terms of a published scenario notifies applicants, who must confirm again before the deadline.</summary>
public sealed class TermsChangeTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task ChangedTerms_NotifyApplicants_AndUnconfirmedApplicationsAreIneligibleAtClose()
    {
        var confirms = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var ignores = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var confirmClient = await app.SignedInClientAsync(confirms.Email, TestData.Password);
        var ignoreClient = await app.SignedInClientAsync(ignores.Email, TestData.Password);
        // Everything below until the reconfirmation must happen before the deadline: leave room on a slow machine.
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("条款将变更的垃圾分类场景", app.Clock.GetUtcNow().AddMinutes(30)));
        var body = TestData.Proposal("在条款变更前提交的技术方案：智能投放设备与督导平台。", 100);
        await confirmClient.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body);
        await ignoreClient.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var bad = await officer.PutAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/terms", new TermsDto(null, 200, null, 0, null, ""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var changed = await officer.PutAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/terms",
            new TermsDto(null, 200, null, 0, null, "预算上限由 300 万元调整为 200 万元。"));
        // The answer says nothing of how many applied: the seal holds until the deadline.
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Empty(await changed.Content.ReadAsStringAsync());
        await app.DrainOutboxAsync();
        var notice = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(confirms.Email) && (m.Subject ?? "").Contains("条款变更"));
        Assert.Contains("200 万元", notice.TextBody);
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(ignores.Email) && (m.Subject ?? "").Contains("条款变更"));

        Assert.Equal(HttpStatusCode.NoContent, (await confirmClient.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/reconfirm", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await confirmClient.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/reconfirm", null)).StatusCode);

        await TestData.PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();
        var rows = await officer.GetFromJsonAsync<List<ApplicationRow>>($"/api/v1/scenarios/{scenario.Id}/applications");
        Assert.Equal(["eligible", "ineligible"], rows!.OrderBy(r => r.Status).Select(r => r.Status));
        Assert.Contains("未在截止前确认变更后的条款", rows!.Single(r => r.Status == "ineligible").IneligibleReasons);
    }
}

/// <summary>答疑: firms ask during the window, officers answer publicly, the asker stays anonymous.</summary>
public sealed class QuestionTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Questions_AreAnsweredInPublic()
    {
        var scenario = await TestData.PublishedScenarioAsync(app);
        var firm = await app.SignedInClientAsync((await TestData.MemberAsync(app, await TestData.FirmAsync(app))).Email, TestData.Password);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await firm.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/questions", new QuestionDto("短"))).StatusCode);
        var asked = await (await firm.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/questions", new QuestionDto("投放点的电源由谁提供？"))).ReadAsync<CreatedDto>();
        Assert.Empty((await app.CreateClient().GetFromJsonAsync<List<Question>>($"/api/v1/scenarios/{scenario.Id}/questions"))!);
        Assert.Single((await officer.GetFromJsonAsync<List<Question>>($"/api/v1/scenarios/{scenario.Id}/questions"))!);

        Assert.Equal(HttpStatusCode.NoContent, (await officer.PostAsJsonAsync($"/api/v1/scenarios/questions/{asked.Id}/answer", new AnswerQuestionDto("由小区物业提供市电接入。"))).StatusCode);

        var page = await app.CreateClient().GetStringAsync($"/scenarios/{scenario.Id}");
        Assert.Contains("投放点的电源由谁提供？", page);
        Assert.Contains("由小区物业提供市电接入。", page);
    }
}
