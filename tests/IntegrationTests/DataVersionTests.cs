using Dapper;
using Marketplace.BuildingBlocks.Data;
using Marketplace.IntegrationTests.Support;
using Marketplace.Flows.Indexing;
using Marketplace.Flows.Recommending;
using Marketplace.Matching.Search;
using Marketplace.Reporting.Monitoring;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Pages computed once per committed state of the database (the dashboard, the ledger, reports, feeds,
/// recommendations): the version must hold still under reads and move with any commit, including writes to tables
/// no cache names, so a kept answer is never staler than the data.
/// </summary>
public sealed class DataVersionTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Version_StaysStillUnderReads_AndMovesWithEveryCommit()
    {
        var version = app.Get<DataVersion>();
        var db = app.Get<NpgsqlDataSource>();
        await using (var conn = await db.OpenConnectionAsync())
            await conn.ExecuteScalarAsync<long>("select count(*) from scenarios.ledger_view");
        var quiet = await version.CurrentAsync(default);
        await app.Get<MonitoringQueries>().DashboardAsync(default);
        Assert.Equal(quiet, await version.CurrentAsync(default)); // computing the dashboard writes nothing

        await using (var conn = await db.OpenConnectionAsync())
            await conn.ExecuteAsync("create temporary table scratch (x int) on commit drop");
        Assert.NotEqual(quiet, await version.CurrentAsync(default));
    }

    [PostgresFact]
    public async Task Dashboard_KeptBetweenRequests_ShowsAnInvitationWrittenBehindItsBack()
    {
        var monitoring = app.Get<MonitoringQueries>();
        var scenario = await TestData.PublishedScenarioAsync(app);
        var firm = await TestData.FirmAsync(app);
        var officer = await TestData.OfficerAsync(app);
        var first = await monitoring.DashboardAsync(default);
        Assert.Same(first, await monitoring.DashboardAsync(default)); // nothing committed: the same answer

        // A write no module announces (straight SQL into the matching module's table): the next dashboard counts it.
        await using (var conn = await app.Get<NpgsqlDataSource>().OpenConnectionAsync())
            await conn.ExecuteAsync("""
                insert into matching.invitations (scenario_id, enterprise_id, invited_by, invited_at, reasons)
                values (@scenario, @firm, @officer, now(), '{}')
                """, new { scenario = scenario.Id, firm = firm.Id, officer = officer.Id });
        var after = await monitoring.DashboardAsync(default);
        Assert.Equal(first.Invitations + 1, after.Invitations);
    }

    [PostgresFact]
    public async Task Recommendations_KeptBetweenRequests_FollowADismissalAndANewFirmInTheIndex()
    {
        var recommendations = app.Get<Recommendations>();
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("版本缓存测试：社区智能垃圾分类"));
        var firm = await TestData.FirmAsync(app, name: "北京版本缓存垃圾分类科技有限公司");
        await app.Get<SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var first = (await recommendations.ForScenarioAsync(scenario.Id, 50, default)).Value;
        Assert.Same(first, (await recommendations.ForScenarioAsync(scenario.Id, 50, default)).Value);
        Assert.Contains(first.Items, r => r.Enterprise.Id == firm.Id);

        var member = await TestData.MemberAsync(app, firm);
        await recommendations.DismissAsync(firm.Id, scenario.Id, member.Id, default);
        Assert.DoesNotContain((await recommendations.ForScenarioAsync(scenario.Id, 50, default)).Value.Items, r => r.Enterprise.Id == firm.Id);

        var engineVersion = app.Get<ISearchEngine>().AnswerVersion;
        var newcomer = await TestData.FirmAsync(app, name: "北京新入库垃圾分类物联科技有限公司");
        var stored = (await recommendations.ForScenarioAsync(scenario.Id, 50, default)).Value; // stored, not yet indexed
        await app.Get<SearchIndexer>().IndexEnterpriseAsync(newcomer.Id, default);           // indexing alone moves the answer
        Assert.DoesNotContain(stored.Items, r => r.Enterprise.Id == newcomer.Id);
        Assert.NotEqual(engineVersion, app.Get<ISearchEngine>().AnswerVersion);
        Assert.Contains((await recommendations.ForScenarioAsync(scenario.Id, 50, default)).Value.Items, r => r.Enterprise.Id == newcomer.Id);
    }
}
