using Marketplace.Flows.Indexing;
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

/// <summary>Recommendations both ways, "not relevant" feedback, and officers inviting recommended firms.</summary>
public sealed class MatchingFlowTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Firm_SeesFittingOpenScenario_AndDismissingItRemovesItBothWays()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("社区智能垃圾分类督导与满溢预警"));
        var firm = await TestData.FirmAsync(app);
        await app.Get<Marketplace.Flows.Indexing.SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var mine = await client.GetFromJsonAsync<List<ScenarioRecommendationDto>>("/api/v1/me/recommendations");
        var rec = Assert.Single(mine!, r => r.ScenarioId == scenario.Id);
        Assert.Contains(rec.Reasons, r => r.Kind == "technology");
        // The workbench gives the same reasons in the reader's language: data (technology names) as it is.
        var zh = await client.GetStringAsync("/firm");
        var en = await client.GetStringAsync("/firm?culture=en");
        Assert.Contains("技术匹配：", zh);
        Assert.Contains("Technology match: ", en);
        Assert.DoesNotContain("技术匹配：", en);
        Assert.Contains((await officer.GetFromJsonAsync<List<RecommendationDto>>($"/api/v1/scenarios/{scenario.Id}/recommendations"))!,
            r => r.EnterpriseId == firm.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/me/recommendations/{scenario.Id}/dismiss", null)).StatusCode);

        Assert.DoesNotContain((await client.GetFromJsonAsync<List<ScenarioRecommendationDto>>("/api/v1/me/recommendations"))!, r => r.ScenarioId == scenario.Id);
        Assert.DoesNotContain((await officer.GetFromJsonAsync<List<RecommendationDto>>($"/api/v1/scenarios/{scenario.Id}/recommendations"))!,
            r => r.EnterpriseId == firm.Id);
    }

    [PostgresFact]
    public async Task Firm_NeverSeesScenariosWhoseRulesExcludeIt()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("智能垃圾分类专项（限专精特新）", qualifications: ["专精特新"]));
        var firm = await TestData.FirmAsync(app);
        await app.Get<Marketplace.Flows.Indexing.SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);

        var mine = await client.GetFromJsonAsync<List<ScenarioRecommendationDto>>("/api/v1/me/recommendations");

        Assert.DoesNotContain(mine!, r => r.ScenarioId == scenario.Id);
    }

    [PostgresFact]
    public async Task Officer_InvitesARecommendedFirm_OnceWithReasonsByEmail()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("老旧小区垃圾分类投放点智能化"));
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        await app.Get<Marketplace.Flows.Indexing.SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var first = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/invitations", new InviteDto(firm.Id));
        var second = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/invitations", new InviteDto(firm.Id));
        await app.DrainOutboxAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("already_invited", (await second.ReadAsync<JsonElement>()).GetProperty("code").GetString());
        var email = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email) && (m.Subject ?? "").Contains("揭榜邀请"));
        Assert.Contains("技术匹配", email.TextBody);
        var recs = await officer.GetFromJsonAsync<List<RecommendationDto>>($"/api/v1/scenarios/{scenario.Id}/recommendations");
        Assert.True(Assert.Single(recs!, r => r.EnterpriseId == firm.Id).Invited);
    }

    [PostgresFact]
    public async Task Pages_CapabilityListAndFirmWorkbenchAndFacetedHall_Render()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("街道垃圾分类智能督导平台"));
        var firm = await TestData.FirmAsync(app, name: "北京能力清单测试科技有限公司");
        await app.Get<Marketplace.Flows.Indexing.SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var member = await TestData.MemberAsync(app, firm);

        var capabilities = await app.CreateClient().GetStringAsync("/capabilities?q=" + Uri.EscapeDataString("垃圾分类"));
        Assert.Contains(firm.Name, capabilities.Replace("<mark>", "").Replace("</mark>", ""));

        var hall = await app.CreateClient().GetStringAsync("/scenarios?technology=" + Uri.EscapeDataString("计算机视觉"));
        Assert.Contains(scenario.Title, hall);
        Assert.Contains("技术", hall);

        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        var workbench = await client.GetStringAsync("/firm");
        Assert.Contains(scenario.Title, workbench);
        Assert.Contains("不相关", workbench);
    }
}
