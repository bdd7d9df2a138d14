using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

/// <summary>企业出题: a firm poses a problem; officers publish it or decline it with a reason.</summary>
public sealed class ProposalTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task AFirmsProposal_IsPendingUntilAnOfficerPublishesOrRejectsIt()
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var firm = await app.SignedInClientAsync(member.Email, TestData.Password);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var proposal = TestData.ScenarioCommand("企业出题：园区充电桩有序充电调度") with { ClosesAt = null };
        var first = (await (await firm.PostAsJsonAsync("/api/v1/scenarios/proposals", proposal)).ReadAsync<CreatedDto>()).Id;
        var second = (await (await firm.PostAsJsonAsync("/api/v1/scenarios/proposals", proposal with { Title = "企业出题：楼宇空调负荷聚合" })).ReadAsync<CreatedDto>()).Id;
        Assert.Equal(ScenarioStatus.Submitted, (await app.Get<ScenarioStore>().GetAsync(first, default))!.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/api/v1/scenarios/{first}")).StatusCode);
        Assert.Contains("企业出题：园区充电桩有序充电调度", await officer.GetStringAsync("/officer"));

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/scenarios/{first}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync($"/api/v1/scenarios/{first}")).StatusCode);

        var noReason = await officer.PostAsJsonAsync($"/api/v1/scenarios/{second}/reject", new ReasonDto(""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await officer.PostAsJsonAsync($"/api/v1/scenarios/{second}/reject", new ReasonDto("与已发布场景重复，建议合并申报。"))).StatusCode);
        Assert.Equal(ScenarioStatus.Rejected, (await app.Get<ScenarioStore>().GetAsync(second, default))!.Status);
        var late = await officer.PostAsJsonAsync($"/api/v1/scenarios/{first}/reject", new ReasonDto("已经发布的场景不能再不予发布。"));
        Assert.Equal("scenario_not_rejectable", (await late.ReadAsync<JsonElement>()).GetProperty("code").GetString());
    }
}

public sealed class BatchPublishTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Officer_PublishesSelectedDraftsAsOneBatch()
    {
        var create = app.Get<CreateScenario>();
        var a = (await create.HandleAsync(TestData.ScenarioCommand("批次发布甲：路灯智能运维"), default)).Value;
        var b = (await create.HandleAsync(TestData.ScenarioCommand("批次发布乙：井盖位移监测"), default)).Value;
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var html = await officer.GetStringAsync("/officer");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await officer.PostAsync("/officer/scenarios/publish", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", token), new("ids", a.ToString()), new("ids", b.ToString()),
        ]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var store = app.Get<ScenarioStore>();
        Assert.Equal(ScenarioStatus.Published, (await store.GetAsync(a, default))!.Status);
        Assert.Equal(ScenarioStatus.Published, (await store.GetAsync(b, default))!.Status);
    }
}
