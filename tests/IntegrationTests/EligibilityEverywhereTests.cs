using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Marketplace.Enterprises.Profiles;
using Marketplace.Flows.Indexing;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
using Marketplace.Flows.Recommending;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>Automatic invitations at publication are on here (top 10), as in production.</summary>
public sealed class InvitingMarketplaceApp : MarketplaceApp
{
    protected override int AutoInviteTopK => 10;
}

/// <summary>
/// One eligibility everywhere: a firm a scenario excludes (a recent winner, or suspended on the deadline's Beijing
/// date) is neither recommended, nor invited automatically or by hand, nor able to apply; a firm the same rules admit is
/// treated as eligible on every path.
/// </summary>
public sealed class EligibilityEverywhereTests(InvitingMarketplaceApp app) : IClassFixture<InvitingMarketplaceApp>
{
    private const string Description = "提供社区物联感知、智能垃圾分类投放设备和视频识别服务，满溢检测终端自主研发。";

    /// <summary>A firm that won an award just now, through the whole process (apply, close, review, decide, publicity).</summary>
    private async Task<EnterpriseProfile> RecentWinnerAsync()
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app,
            TestData.ScenarioCommand("已揭榜的智能垃圾分类场景", DateTimeOffset.UtcNow.AddSeconds(2)), 1);
        var officer = await TestData.OfficerAsync(app);
        var awards = app.Get<AwardProcess>();
        await app.Get<Marketplace.Scenarios.Reviews.ReviewProcess>().StartAsync(scenario.Id, officer.Id, default);
        Assert.True((await awards.DecideAsync(new DecisionCommand(scenario.Id, [applicants[0].Application], "唯一符合资格的申报，方案可行。"), officer.Id, 5, default)).IsSuccess);
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = now() - interval '1 minute' where id = @id", new { id = scenario.Id });
        Assert.Contains(await awards.FinishPublicityAsync(default), r => r.ScenarioId == scenario.Id && r.Outcome == ScenarioStatus.Awarded);
        await app.DrainOutboxAsync();
        await using var read = new NpgsqlConnection(app.ConnectionString);
        var winnerId = await read.ExecuteScalarAsync<Guid>("select enterprise_id from scenarios.awards where scenario_id = @id", new { id = scenario.Id });
        return (await app.Get<EnterpriseStore>().GetAsync(winnerId, default))!;
    }

    private async Task<bool> InvitedAsync(Guid scenarioId, Guid enterpriseId)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.ExecuteScalarAsync<bool>(
            "select exists (select 1 from matching.invitations where scenario_id = @scenarioId and enterprise_id = @enterpriseId)", new { scenarioId, enterpriseId });
    }

    /// <summary>Publishes (which invites the best matches automatically) and checks every path for both firms.</summary>
    private async Task AssertExcludedEverywhereAsync(CreateScenarioCommand command, EnterpriseProfile excluded, EnterpriseProfile admitted, string code)
    {
        var indexer = app.Get<SearchIndexer>();
        await indexer.IndexEnterpriseAsync(excluded.Id, default);
        await indexer.IndexEnterpriseAsync(admitted.Id, default);
        var scenario = await TestData.PublishedScenarioAsync(app, command);

        // Recommended: the admitted firm, never the excluded one, in both directions.
        var recommended = (await app.Get<Recommendations>().ForScenarioAsync(scenario.Id, 50, default)).Value.Items.Select(r => r.Enterprise.Id).ToList();
        Assert.Contains(admitted.Id, recommended);
        Assert.DoesNotContain(excluded.Id, recommended);
        Assert.DoesNotContain((await app.Get<Recommendations>().ForEnterpriseAsync(excluded.Id, 50, default)).Value, r => r.Scenario.Id == scenario.Id);
        Assert.Contains((await app.Get<Recommendations>().ForEnterpriseAsync(admitted.Id, 50, default)).Value, r => r.Scenario.Id == scenario.Id);

        // Invited automatically at publication: the admitted firm only.
        Assert.True(await InvitedAsync(scenario.Id, admitted.Id));
        Assert.False(await InvitedAsync(scenario.Id, excluded.Id));

        // Invited by hand: refused with the rule's reason.
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var invite = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/invitations", new InviteDto(excluded.Id));
        Assert.Equal(HttpStatusCode.Conflict, invite.StatusCode);
        Assert.Equal("enterprise_ineligible", (await invite.ReadAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.False(await InvitedAsync(scenario.Id, excluded.Id));

        // Applying: refused by the same rule, on the API and on the form.
        var member = await app.SignedInClientAsync((await TestData.MemberAsync(app, excluded)).Email, TestData.Password);
        var apply = await member.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("我们的技术方案：智能投放设备、满溢检测、督导平台和收运联动，分期实施。", 100));
        Assert.Equal(HttpStatusCode.Forbidden, apply.StatusCode);
        Assert.Contains(code, (await apply.ReadAsync<JsonElement>()).GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        var admittedMember = await app.SignedInClientAsync((await TestData.MemberAsync(app, admitted)).Email, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, (await admittedMember.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("我们的技术方案：智能投放设备、满溢检测、督导平台和收运联动，分期实施。", 100))).StatusCode);
    }

    [PostgresFact]
    public async Task RecentWinner_WhenTheScenarioExcludesThem_IsNeitherRecommendedNorInvitedNorAbleToApply()
    {
        var winner = await RecentWinnerAsync();
        var other = await TestData.FirmAsync(app, description: Description);
        var command = TestData.ScenarioCommand("老旧小区智能垃圾分类满溢预警") with { ExcludeWinnersWithinYears = 2 };
        await AssertExcludedEverywhereAsync(command, winner, other, "recent_winner_excluded");
    }

    [PostgresFact]
    public async Task FirmSuspendedUntilTheDeadlinesBeijingDate_IsExcludedEverywhere_ButNotTheDayBefore()
    {
        var closesAt = DateTimeOffset.UtcNow.AddDays(20);
        var deadlineDay = Marketplace.BuildingBlocks.Time.BeijingCalendar.DateOf(closesAt);
        var officer = await TestData.OfficerAsync(app);
        var suspended = await TestData.FirmAsync(app, description: Description);
        var endsDayBefore = await TestData.FirmAsync(app, description: Description);
        Assert.True((await app.Get<Suspension>().SuspendAsync(suspended.Id, deadlineDay, "失信被执行人，暂停申报", officer.Id, default)).IsSuccess);
        Assert.True((await app.Get<Suspension>().SuspendAsync(endsDayBefore.Id, deadlineDay.AddDays(-1), "暂停至截止前一日", officer.Id, default)).IsSuccess);
        await app.DrainOutboxAsync();
        await AssertExcludedEverywhereAsync(TestData.ScenarioCommand("社区智能垃圾分类投放点改造", closesAt), suspended, endsDayBefore, "enterprise_suspended");
    }
}
