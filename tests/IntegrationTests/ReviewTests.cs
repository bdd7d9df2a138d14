using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Marketplace.Scenarios.Reviews;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

/// <summary>Review after the deadline: assignment, conflicts and recusal, scoring on the rubric, the ranking, 流标.</summary>
public sealed class ReviewTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task<(Scenario Scenario, Guid[] Applications)> ClosedWithApplicationsAsync(int firms)
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app,
            TestData.ScenarioCommand("待评审的智能垃圾分类场景", DateTimeOffset.UtcNow.AddSeconds(2)), firms);
        return (scenario, applicants.Select(a => a.Application).ToArray());
    }

    private Task<UserAccount> ReviewerAsync() =>
        app.Get<UserStore>().EnsureAsync($"expert-{Guid.NewGuid():N}@expert.test", "评审专家", TestData.Password, Roles.Reviewer, null, null, default);

    private static object Scores(decimal tech, decimal team, decimal plan, decimal price) => new
    {
        scores = new[]
        {
            new { criterion = "技术方案", score = tech, note = "私下意见" }, new { criterion = "团队与案例", score = team, note = "" },
            new { criterion = "实施计划", score = plan, note = "" }, new { criterion = "报价合理性", score = price, note = "" },
        },
    };

    [PostgresFact]
    public async Task Review_FromAssignmentToRanking()
    {
        var (scenario, apps) = await ClosedWithApplicationsAsync(2);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        Assert.Equal("reviewing", (await (await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null)).ReadAsync<JsonElement>()).GetProperty("status").GetString());

        var r1 = await ReviewerAsync();
        var r2 = await ReviewerAsync();
        var r3 = await ReviewerAsync();
        foreach (var application in apps)
            foreach (var reviewer in new[] { r1, r2, r3 })
                Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/v1/applications/{application}/reviewers", new AssignReviewerDto(reviewer.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await officer.PostAsJsonAsync($"/api/v1/applications/{apps[0]}/reviewers", new AssignReviewerDto(r1.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await officer.PostAsJsonAsync($"/api/v1/applications/{apps[0]}/reviewers", new AssignReviewerDto(Guid.NewGuid()))).StatusCode);

        async Task ScoreAll(UserAccount reviewer, decimal forFirst, decimal forSecond)
        {
            var client = await app.SignedInClientAsync(reviewer.Email, TestData.Password);
            var mine = await client.GetFromJsonAsync<List<Assignment>>("/api/v1/reviews");
            Assert.Equal(2, mine!.Count);
            foreach (var a in mine)
            {
                var s = a.ApplicationId == apps[0] ? forFirst : forSecond;
                Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/v1/reviews/{a.Id}/scores", Scores(s, s, s, s))).StatusCode);
            }
        }
        await ScoreAll(r1, 90, 60);
        await ScoreAll(r2, 80, 70);

        // The third reviewer knows the second firm: recused from it, scores only the first.
        var third = await app.SignedInClientAsync(r3.Email, TestData.Password);
        var thirds = (await third.GetFromJsonAsync<List<Assignment>>("/api/v1/reviews"))!;
        var conflicted = thirds.Single(a => a.ApplicationId == apps[1]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await third.PostAsJsonAsync($"/api/v1/reviews/{conflicted.Id}/conflict", new ConflictDto(" "))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await third.PostAsJsonAsync($"/api/v1/reviews/{conflicted.Id}/conflict", new ConflictDto("曾为该企业提供咨询"))).StatusCode);
        Assert.Equal("recused", (await app.Get<ReviewProcess>().SubmitScoresAsync(conflicted.Id, r3.Id, [], default)).FirstError.Code);
        var incomplete = await third.PostAsJsonAsync($"/api/v1/reviews/{thirds.Single(a => a.ApplicationId == apps[0]).Id}/scores",
            new { scores = new[] { new { criterion = "技术方案", score = 50 } } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, incomplete.StatusCode);
        Assert.Equal("criterion_missing", (await incomplete.ReadAsync<JsonElement>()).GetProperty("code").GetString());
        await third.PostAsJsonAsync($"/api/v1/reviews/{thirds.Single(a => a.ApplicationId == apps[0]).Id}/scores", Scores(10, 10, 10, 10));

        var ranking = await officer.GetFromJsonAsync<List<RankedApplication>>($"/api/v1/scenarios/{scenario.Id}/ranking");
        Assert.Equal(apps[1], ranking![0].ApplicationId); // 65 beats (90 + 80 + 10) / 3 = 60
        var trimmed = await officer.GetFromJsonAsync<List<RankedApplication>>($"/api/v1/scenarios/{scenario.Id}/ranking?dropHighestAndLowest=true");
        Assert.Equal((apps[0], 80m), (trimmed![0].ApplicationId, trimmed[0].Score!.Value));

        // A reviewer who was never assigned sees nothing.
        var outsider = await app.SignedInClientAsync((await ReviewerAsync()).Email, TestData.Password);
        Assert.Empty((await outsider.GetFromJsonAsync<List<Assignment>>("/api/v1/reviews"))!);
    }

    [PostgresFact]
    public async Task Review_BeforeTheDeadline_IsRefused_AndWithNoEligibleApplicantTheScenarioIsCancelled()
    {
        var open = await TestData.PublishedScenarioAsync(app);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var early = await officer.PostAsync($"/api/v1/scenarios/{open.Id}/review/start", null);
        Assert.Equal("scenario_not_closed", (await early.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        var (empty, _) = await ClosedWithApplicationsAsync(0);
        var started = await officer.PostAsync($"/api/v1/scenarios/{empty.Id}/review/start", null);
        Assert.Equal("cancelled", (await started.ReadAsync<JsonElement>()).GetProperty("status").GetString());
    }
}

/// <summary>The reviewer-role rule holds on the page and the API alike: only expert accounts can be assigned.</summary>
public sealed class ReviewerRoleTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task AssigningANonReviewer_IsRefused_OnTheProcessPageAndTheApi()
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app,
            TestData.ScenarioCommand("评审专家角色校验场景", DateTimeOffset.UtcNow.AddSeconds(2)), 1);
        var officerAccount = await TestData.OfficerAsync(app);
        var officer = await app.SignedInClientAsync(officerAccount.Email, TestData.Password);
        await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        var notAReviewer = await TestData.OfficerAsync(app);
        var application = applicants[0].Application;

        var api = await officer.PostAsJsonAsync($"/api/v1/applications/{application}/reviewers", new AssignReviewerDto(notAReviewer.Id));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, api.StatusCode);
        Assert.Equal("not_a_reviewer", (await api.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        var page = await MarketplaceApp.PostFormAsync(officer, $"/officer/scenarios/{scenario.Id}/process",
            $"/officer/scenarios/{scenario.Id}/process/reviewers",
            new Dictionary<string, string> { ["applicationId"] = application.ToString(), ["reviewerId"] = notAReviewer.Id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("只能分配评审专家账号", await officer.GetStringAsync($"/officer/scenarios/{scenario.Id}/process"));
        Assert.Empty(await app.Get<ReviewProcess>().ForReviewerAsync(notAReviewer.Id, default));

        var expert = await app.Get<UserStore>().EnsureAsync($"expert-{Guid.NewGuid():N}@expert.test", "评审专家", TestData.Password, Roles.Reviewer, null, null, default);
        Assert.Equal(HttpStatusCode.Redirect, (await MarketplaceApp.PostFormAsync(officer, $"/officer/scenarios/{scenario.Id}/process",
            $"/officer/scenarios/{scenario.Id}/process/reviewers",
            new Dictionary<string, string> { ["applicationId"] = application.ToString(), ["reviewerId"] = expert.Id.ToString() })).StatusCode);
        Assert.Single(await app.Get<ReviewProcess>().ForReviewerAsync(expert.Id, default));
    }
}
