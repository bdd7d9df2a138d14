using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Scenarios.Reviews;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>Decision with reasons, publicity in working days, objections answered, and the award made final after it.</summary>
public sealed class AwardTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task<(Scenario Scenario, Guid[] Applications, HttpClient Officer)> InReviewAsync(int firms)
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app,
            TestData.ScenarioCommand("待决定的智能垃圾分类场景", DateTimeOffset.UtcNow.AddSeconds(2)), firms);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        return (scenario, applicants.Select(a => a.Application).ToArray(), officer);
    }

    private async Task EndPublicityNowAsync(Guid scenarioId)
    {
        // Stands in for the days passing: the publicity period is moved into the past.
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = now() - interval '1 minute' where id = @scenarioId", new { scenarioId });
    }

    [PostgresFact]
    public async Task Decision_Publicity_DismissedObjection_AwardBecomesFinal()
    {
        var (scenario, apps, officer) = await InReviewAsync(2);

        var tooMany = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision", new DecisionDto(apps, "两家方案都很好，全部入选。"));
        Assert.Equal("winners_count", (await tooMany.ReadAsync<JsonElement>()).GetProperty("code").GetString());
        var decided = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision", new DecisionDto([apps[0]], "评审排名第一，方案成熟，报价合理。"));
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var endsAt = (await decided.ReadAsync<JsonElement>()).GetProperty("publicityEndsAt").GetDateTimeOffset();
        Assert.True(endsAt > DateTimeOffset.UtcNow.AddDays(4));

        var visitor = app.CreateClient();
        var bad = await visitor.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/objections", new ObjectionDto("", "", "短"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        // Signed in (any role), the objection counts at once.
        var objector = await app.SignedInClientAsync((await TestData.MemberAsync(app, await TestData.FirmAsync(app))).Email, TestData.Password);
        var filed = await objector.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/objections",
            new ObjectionDto("某科技公司", null, "我们认为入选企业的案例材料与实际不符，请核查。"));
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        var objectionId = (await filed.ReadAsync<JsonElement>()).GetProperty("objectionId").GetGuid();

        // An unanswered objection holds the award even after the period ends.
        await EndPublicityNowAsync(scenario.Id);
        Assert.DoesNotContain(await app.Get<AwardProcess>().FinishPublicityAsync(default), r => r.ScenarioId == scenario.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await officer.PostAsJsonAsync($"/api/v1/objections/{objectionId}/answer",
            new AnswerDto("经核查，案例材料属实，异议不成立。", Upheld: false))).StatusCode);
        Assert.Contains(await app.Get<AwardProcess>().FinishPublicityAsync(default), r => r.ScenarioId == scenario.Id && r.Outcome == "awarded");

        Assert.Equal(ScenarioStatus.Awarded, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.Status);
        var rows = await officer.GetFromJsonAsync<List<Marketplace.Scenarios.Applications.ApplicationRow>>($"/api/v1/scenarios/{scenario.Id}/applications");
        Assert.Equal("awarded", rows!.Single(r => r.Id == apps[0]).Status);
        Assert.Equal("not_awarded", rows!.Single(r => r.Id == apps[1]).Status);
        var objections = await officer.GetFromJsonAsync<List<Objection>>($"/api/v1/scenarios/{scenario.Id}/objections");
        Assert.Equal("dismissed", Assert.Single(objections!).Outcome);
    }

    [PostgresFact]
    public async Task UpheldObjection_ReopensTheReview()
    {
        var (scenario, apps, officer) = await InReviewAsync(1);
        await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision", new DecisionDto([apps[0]], "唯一符合资格的申报，方案可行。"));
        var objector = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var filed = await objector.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/objections",
            new ObjectionDto("某研究院", null, "入选企业的注册资本证明材料存在明显问题，请复核。"));
        var objectionId = (await filed.ReadAsync<JsonElement>()).GetProperty("objectionId").GetGuid();
        await officer.PostAsJsonAsync($"/api/v1/objections/{objectionId}/answer", new AnswerDto("经核查异议成立，重新评审。", Upheld: true));
        await EndPublicityNowAsync(scenario.Id);

        Assert.Contains(await app.Get<AwardProcess>().FinishPublicityAsync(default), r => r.ScenarioId == scenario.Id && r.Outcome == "reviewing");
        Assert.Equal(ScenarioStatus.Reviewing, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.Status);
        var late = await app.Get<ObjectionProcess>().FileAsync(
            new ObjectionCommand(scenario.Id, "某人", "someone@example.test", "公示已结束后提交的异议应被拒绝。"), default);
        Assert.Equal("publicity_not_open", late.FirstError.Code);
    }

    [PostgresFact]
    public async Task Calendar_IsKeptByAdminsOnly()
    {
        var admin = await app.Get<UserStore>().EnsureAsync($"cal-{Guid.NewGuid():N}@gov.test", "管理员", TestData.Password, Roles.Admin, null, "平台", default);
        var adminClient = await app.SignedInClientAsync(admin.Email, TestData.Password);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.PutAsJsonAsync("/api/v1/calendar/2026-12-31", new CalendarDayDto(false, "元旦前夕"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PutAsJsonAsync("/api/v1/calendar/2026-12-31", new CalendarDayDto(true, null))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await adminClient.PutAsJsonAsync("/api/v1/calendar/not-a-date", new CalendarDayDto(true, null))).StatusCode);
    }
}

/// <summary>One decision per scenario: officers deciding at the same moment cannot both win.</summary>
public sealed class ConcurrentDecisionTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task TwoConcurrentDecisions_GiveOneDecision_OneStateChanged_AndOneAuditEntry()
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app,
            TestData.ScenarioCommand("两位经办人同时决定的场景", DateTimeOffset.UtcNow.AddSeconds(2)), 2);
        var first = await TestData.OfficerAsync(app);
        var second = await TestData.OfficerAsync(app);
        await app.Get<ReviewProcess>().StartAsync(scenario.Id, first.Id, default);
        var awards = app.Get<AwardProcess>();

        // Hold the scenario's row so both decisions have read it in review before either writes: a true race.
        await using var blocker = new NpgsqlConnection(app.ConnectionString);
        await blocker.OpenAsync();
        var hold = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("select 1 from scenarios.scenarios where id = @id for update", new { id = scenario.Id }, hold);
        var decisions = new[]
        {
            awards.DecideAsync(new DecisionCommand(scenario.Id, [applicants[0].Application], "评审排名第一，方案成熟，报价合理。"), first.Id, 5, default),
            awards.DecideAsync(new DecisionCommand(scenario.Id, [applicants[1].Application], "第二家方案更贴合本场景，建议入选。"), second.Id, 5, default),
        };
        var waiting = 0;
        for (var i = 0; i < 200 && waiting < 2; i++)
        {
            await Task.Delay(25);
            waiting = await blocker.ExecuteScalarAsync<int>(
                "select count(*)::int from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'", transaction: hold);
        }
        Assert.Equal(2, waiting);
        await hold.RollbackAsync();
        var results = await Task.WhenAll(decisions);

        var won = Assert.Single(results, r => r.IsSuccess);
        Assert.Equal("scenario_state_changed", Assert.Single(results, r => !r.IsSuccess).FirstError.Code);
        Assert.Equal(1, await blocker.ExecuteScalarAsync<int>(
            "select count(*)::int from audit.entries where action = 'scenario.decided' and entity_id = @id", new { id = scenario.Id.ToString() }));
        Assert.Equal(1, await blocker.ExecuteScalarAsync<int>(
            "select count(*)::int from scenarios.applications where scenario_id = @id and status = 'shortlisted'", new { id = scenario.Id }));
        Assert.Equal(ScenarioStatus.Publicity, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.Status);
        Assert.True(won.Value > DateTimeOffset.UtcNow);
    }
}
