using System.Net;
using System.Net.Http.Json;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Import;
using Marketplace.Enterprises.Profiles;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>The deadline: the seal before it, closing exactly once at it, eligibility again after it, withdrawals, and a rush at it.</summary>
public sealed class ClosingTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task<Scenario> ClosingSoonAsync(TimeSpan inWhat, string[]? qualifications = null) =>
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("即将截止的垃圾分类改造场景", app.Clock.GetUtcNow() + inWhat, qualifications));

    private Task WaitUntilAsync(DateTimeOffset t) => TestData.PassAsync(app, t);

    [PostgresFact]
    public async Task Applications_AreSealedUntilTheDeadline_ThenOfficersSeeThemCheckedAgain()
    {
        var keeps = await TestData.FirmAsync(app);
        var loses = await TestData.FirmAsync(app);
        var clients = new[]
        {
            await app.SignedInClientAsync((await TestData.MemberAsync(app, keeps)).Email, TestData.Password),
            await app.SignedInClientAsync((await TestData.MemberAsync(app, loses)).Email, TestData.Password),
        };
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var otherFirm = await app.SignedInClientAsync((await TestData.MemberAsync(app, await TestData.FirmAsync(app))).Email, TestData.Password);
        var scenario = await ClosingSoonAsync(TimeSpan.FromMinutes(5), ["高新技术企业"]);
        var body = TestData.Proposal("部署智能投放设备和督导平台，分两期实施，三个月内全部完成验收。", 100);
        foreach (var client in clients)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/v1/scenarios/{scenario.Id}/applications")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/officer/scenarios/{scenario.Id}/applications")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherFirm.GetAsync($"/api/v1/scenarios/{scenario.Id}/applications")).StatusCode);

        // One firm loses its qualification before the deadline.
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("update enterprises.enterprises set qualifications = '{}' where id = @id", new { id = loses.Id });
        await WaitUntilAsync(scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();

        var rows = await officer.GetFromJsonAsync<List<ApplicationRow>>($"/api/v1/scenarios/{scenario.Id}/applications");
        Assert.Equal("eligible", Assert.Single(rows!, r => r.EnterpriseId == keeps.Id).Status);
        var ineligible = Assert.Single(rows!, r => r.EnterpriseId == loses.Id);
        Assert.Equal("ineligible", ineligible.Status);
        Assert.Contains("缺少资质：高新技术企业", ineligible.IneligibleReasons);
        var page = await officer.GetStringAsync($"/officer/scenarios/{scenario.Id}/applications");
        Assert.Contains(keeps.Name, page);
        Assert.Contains("不符合：缺少资质：高新技术企业", page);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherFirm.GetAsync($"/api/v1/scenarios/{scenario.Id}/applications")).StatusCode);
    }

    [PostgresFact]
    public async Task Closing_RunTwiceAtOnce_ClosesEachScenarioOnce()
    {
        var scenario = await ClosingSoonAsync(TimeSpan.FromMinutes(5));
        await WaitUntilAsync(scenario.ClosesAt);
        var close = app.Get<CloseDueScenarios>();

        var runs = await Task.WhenAll(close.HandleAsync(default), close.HandleAsync(default), close.HandleAsync(default));

        Assert.Equal(1, runs.Count(r => r.Contains(scenario.Id)));
        var audit = await AuditLog.ListAsync(app.Get<NpgsqlDataSource>(), "scenario", scenario.Id.ToString(), 10, default);
        Assert.Single(audit, e => e.Action == "scenario.closed");
        Assert.Equal(ScenarioStatus.Closed, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.Status);
    }

    [PostgresFact]
    public async Task Withdraw_BeforeTheDeadline_SendsAReceipt_AndCanBeUndoneBySubmittingAgain()
    {
        var scenario = await TestData.PublishedScenarioAsync(app);
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        var body = TestData.Proposal("先提交再撤回的技术方案，用于检验撤回回执和再次提交是否正常工作。", 50);

        await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", null)).StatusCode);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email) && (m.Subject ?? "").Contains("撤回回执"));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", body)).StatusCode);
        Assert.Equal("submitted", (await app.Get<ApplicationQueries>().GetOwnAsync(scenario.Id, firm.Id, default))!.Status);
    }

    /// <summary>
    /// 200 firms submit in parallel while the deadline passes: each submission is stored before the deadline or refused
    /// as scenario_closed — none lost, none stored late — and a firm that submits twice has one application.
    /// </summary>
    [PostgresFact]
    public async Task TwoHundredFirms_SubmittingAroundTheDeadline_AreStoredOrRefusedAsClosed()
    {
        var firms = Enumerable.Range(0, 200).Select(i => new EnterpriseProfile(Guid.Empty, $"北京并发测试{i:000}科技有限公司",
            CreditCode.Complete($"91110112MA0C{i:0000}"), "数字经济", "通州区·宋庄镇", ["高新技术企业"], 500, 50, ["物联网"], "并发", [], null)).ToList();
        await app.Get<EnterpriseImport>().ImportProfilesAsync(firms, default);
        var ids = new List<Guid>();
        foreach (var f in firms) ids.Add((await app.Get<EnterpriseStore>().FindByCreditCodeAsync(f.CreditCode, default))!.Id);
        var scenario = await ClosingSoonAsync(TimeSpan.FromSeconds(2));
        var submit = app.Get<SubmitApplication>();
        var userId = (await TestData.MemberAsync(app, await TestData.FirmAsync(app))).Id;

        async Task<Result<Guid>> Submit(Guid firm) => await submit.HandleAsync(new SubmitApplicationCommand(
            scenario.Id, new ApplicantFacts(firm, ["高新技术企业"], 500, "通州区·宋庄镇"), userId, "并发提交的技术方案，内容足够长以通过校验规则。", 10,
            TestData.Team, TestData.Schedule, DeclaredTruthful: true, DeclaredNoDoubleFunding: true), default);

        var start = scenario.ClosesAt - TimeSpan.FromSeconds(1.2);
        await WaitUntilAsync(start);
        var tasks = ids.Select(async (firm, i) =>
        {
            await Task.Delay(i * 12); // spread over ~2.4 s across the deadline
            var first = await Submit(firm);
            var second = i % 10 == 0 ? await Submit(firm) : first;
            return (firm, first, second);
        }).ToList();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.True(r.first.IsSuccess || r.first.FirstError.Code == "scenario_closed",
            r.first.IsSuccess ? "" : r.first.FirstError.Code));
        var stored = results.Where(r => r.first.IsSuccess).Select(r => r.firm).ToHashSet();
        Assert.NotEmpty(stored);
        Assert.True(stored.Count < 200, "the deadline should have refused some");
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        var rows = (await conn.QueryAsync<(Guid EnterpriseId, DateTime SubmittedAt)>(
            "select enterprise_id, submitted_at from scenarios.applications where scenario_id = @id", new { id = scenario.Id })).ToList();
        Assert.Equal(stored.Count, rows.Count);
        Assert.Equal(stored, rows.Select(r => r.EnterpriseId).ToHashSet());
        Assert.All(rows, r => Assert.True(new DateTimeOffset(r.SubmittedAt, TimeSpan.Zero) < scenario.ClosesAt));
        Assert.All(results.Where(r => r.first.IsSuccess && r.second.IsSuccess), r => Assert.Equal(r.first.Value, r.second.Value));
    }
}
