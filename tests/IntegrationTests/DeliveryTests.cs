using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>赛马 delivery: two teams, milestones from the template, one stopped at a gate, the other accepted — the scenario lands.</summary>
public sealed class DeliveryTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task<(Scenario Scenario, (Guid App, HttpClient Firm)[] Teams, HttpClient Officer)> AwardedHorseRaceAsync()
    {
        var command = TestData.ScenarioCommand("赛马：社区垃圾分类智能督导", DateTimeOffset.UtcNow.AddSeconds(2)) with { Mode = ScenarioMode.HorseRace, AwardSlots = 2 };
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app, command, 2);
        var teams = applicants.Select(a => (a.Application, a.Firm)).ToList();
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        var decided = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision",
            new DecisionDto(teams.Select(t => t.Item1).ToList(), "两支队伍方案各有所长，按赛马机制并行实施。"));
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = now() - interval '1 minute' where id = @id", new { id = scenario.Id });
        await app.Get<AwardProcess>().FinishPublicityAsync(default);
        return (scenario, teams.ToArray(), officer);
    }

    [PostgresFact]
    public async Task HorseRace_OneTeamStoppedAtAGate_TheOtherAccepted_ScenarioLands()
    {
        var (scenario, teams, officer) = await AwardedHorseRaceAsync();
        var started = await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/delivery/start", null);
        Assert.Equal(6, (await started.ReadAsync<JsonElement>()).GetProperty("milestones").GetInt32());

        var all = await officer.GetFromJsonAsync<List<Milestone>>($"/api/v1/scenarios/{scenario.Id}/milestones");
        var mineA = await teams[0].Firm.GetFromJsonAsync<List<Milestone>>($"/api/v1/scenarios/{scenario.Id}/milestones");
        Assert.Equal(6, all!.Count);
        Assert.Equal(3, mineA!.Count);
        var otherTeamsFirst = all.First(m => m.AwardId != mineA[0].AwardId && m.Seq == 1);
        Assert.Equal(HttpStatusCode.NotFound, (await teams[0].Firm.PostAsJsonAsync($"/api/v1/milestones/{otherTeamsFirst.Id}/evidence", new EvidenceDto("不是我们的里程碑"))).StatusCode);

        async Task<string> Gate(HttpClient firm, Milestone m, string verdict)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await firm.PostAsJsonAsync($"/api/v1/milestones/{m.Id}/evidence", new EvidenceDto($"{m.Title}：已完成，附报告。"))).StatusCode);
            var response = await officer.PostAsJsonAsync($"/api/v1/milestones/{m.Id}/verdict", new VerdictDto(verdict, "按计划推进"));
            var body = await response.ReadAsync<JsonElement>();
            return response.IsSuccessStatusCode ? body.GetProperty("scenarioStatus").GetString()! : body.GetProperty("code").GetString()!;
        }

        var mineB = await teams[1].Firm.GetFromJsonAsync<List<Milestone>>($"/api/v1/scenarios/{scenario.Id}/milestones");
        Assert.Equal("evidence_missing", (await (await officer.PostAsJsonAsync($"/api/v1/milestones/{mineB![0].Id}/verdict", new VerdictDto("continue", null))).ReadAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal("in_delivery", await Gate(teams[1].Firm, mineB[0], "stop"));      // team B leaves the race at gate 1
        Assert.Equal("in_delivery", await Gate(teams[0].Firm, mineA[0], "continue"));
        Assert.Equal("verdict_not_allowed", await Gate(teams[0].Firm, mineA[1], "accepted"));
        Assert.Equal("in_delivery", (await (await officer.PostAsJsonAsync($"/api/v1/milestones/{mineA[1].Id}/verdict", new VerdictDto("scale_up", "扩大试点"))).ReadAsync<JsonElement>()).GetProperty("scenarioStatus").GetString());
        Assert.Equal("landed", await Gate(teams[0].Firm, mineA[2], "accepted"));

        Assert.Equal(ScenarioStatus.Landed, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.Status);
        var (_, broken) = await Marketplace.BuildingBlocks.Audit.AuditLog.VerifyAsync(app.Get<NpgsqlDataSource>(), default);
        Assert.Null(broken);
    }

    [PostgresFact]
    public async Task Milestones_PastDueWithoutEvidence_AreMarkedOverdueOnce()
    {
        var (scenario, _, officer) = await AwardedHorseRaceAsync();
        await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/delivery/start", null);
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("""
                update scenarios.milestones m set due_at = now() - interval '1 day'
                from scenarios.awards a where a.id = m.award_id and a.scenario_id = @id and m.seq = 1
                """, new { id = scenario.Id });

        var first = await app.Get<DeliveryProcess>().MarkOverdueAsync(default);
        var second = await app.Get<DeliveryProcess>().MarkOverdueAsync(default);

        Assert.Equal(2, first);
        Assert.Equal(0, second);
        Assert.Equal(2, (await app.Get<DeliveryProcess>().ListAsync(scenario.Id, null, default)).Count(m => m.OverdueAt is not null));
    }
}
