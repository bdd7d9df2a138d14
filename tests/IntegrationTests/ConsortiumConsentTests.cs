using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Accounts.Users;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Listings;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Applications;

namespace Marketplace.IntegrationTests;

/// <summary>
/// A consortium application counts only once every named member firm has confirmed it; a decline tells the lead; a
/// firm not named cannot answer, or even learn the application exists.
/// </summary>
public sealed class ConsortiumConsentTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private sealed record Firm(EnterpriseProfile Profile, UserAccount Member, HttpClient Client);

    private async Task<Firm> FirmAsync(string name)
    {
        var profile = await TestData.FirmAsync(app, name: name);
        var member = await TestData.MemberAsync(app, profile);
        return new Firm(profile, member, await app.SignedInClientAsync(member.Email, TestData.Password));
    }

    private static Task<HttpResponseMessage> ApplyAsync(Firm lead, Guid scenarioId, params Firm[] members) =>
        lead.Client.PostAsJsonAsync($"/api/v1/scenarios/{scenarioId}/applications",
            TestData.Proposal("牵头单位负责平台建设，成员单位负责终端部署与运营，三个月上线。", 90) with
            {
                ConsortiumMembers = members.Select(m => m.Profile.CreditCode).ToArray(),
            });

    private async Task<string> StatusAsync(Guid scenarioId, Firm lead) =>
        (await app.Get<ApplicationQueries>().GetOwnAsync(scenarioId, lead.Profile.Id, default))!.Status;

    private static async Task<string?> CodeOf(HttpResponseMessage response) => (await response.ReadAsync<JsonElement>()).GetProperty("code").GetString();

    [PostgresFact]
    public async Task AConsortiumApplication_CountsOnlyOnceEveryMemberConfirms()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("联合体确认：社区养老综合服务", closesAt: app.Clock.GetUtcNow().AddDays(5)));
        var lead = await FirmAsync("联合体牵头科技有限公司");
        var a = await FirmAsync("联合体成员甲有限公司");
        var b = await FirmAsync("联合体成员乙有限公司");

        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(lead, scenario.Id, a, b)).StatusCode);
        Assert.Equal("awaiting_consortium", await StatusAsync(scenario.Id, lead));
        await app.DrainOutboxAsync();
        var request = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(a.Member.Email) && (m.Subject ?? "").Contains("联合体确认"));
        Assert.Contains(lead.Profile.Name, request.TextBody);
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(b.Member.Email) && (m.Subject ?? "").Contains("联合体确认"));
        // No receipt yet: the application has not counted as submitted.
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.ToString().Contains(lead.Member.Email));

        // Each named member sees the request with the application's content.
        var requests = await a.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/consortium-requests");
        var applicationId = requests.EnumerateArray().Single().GetProperty("applicationId").GetGuid();
        Assert.Contains("终端部署", await a.Client.GetStringAsync("/firm/consortium"));

        var first = await a.Client.PostAsync($"/api/v1/consortium-requests/{applicationId}/confirm", null);
        Assert.Equal("awaiting_consortium", (await first.ReadAsync<JsonElement>()).GetProperty("applicationStatus").GetString());
        Assert.Equal("awaiting_consortium", await StatusAsync(scenario.Id, lead));
        var last = await b.Client.PostAsync($"/api/v1/consortium-requests/{applicationId}/confirm", null);
        Assert.Equal("submitted", (await last.ReadAsync<JsonElement>()).GetProperty("applicationStatus").GetString());
        Assert.Equal("submitted", await StatusAsync(scenario.Id, lead));
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(lead.Member.Email));

        // Counted: at close it is checked like any submitted application.
        await TestData.PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();
        Assert.Equal("eligible", await StatusAsync(scenario.Id, lead));
    }

    [PostgresFact]
    public async Task AnApplicationStillWaitingForItsMembersAtTheDeadline_DoesNotCount()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("联合体确认：未确认的申报", closesAt: app.Clock.GetUtcNow().AddHours(1)));
        var lead = await FirmAsync("未获确认牵头有限公司");
        var member = await FirmAsync("迟迟未答复成员有限公司");
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(lead, scenario.Id, member)).StatusCode);

        await TestData.PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var listed = await officer.GetFromJsonAsync<JsonElement>($"/api/v1/scenarios/{scenario.Id}/applications");
        var row = listed.EnumerateArray().Single();
        Assert.Equal("ineligible", row.GetProperty("status").GetString());
        Assert.Contains(ConsortiumConsents.NotConfirmedReason, row.GetProperty("ineligibleReasons").EnumerateArray().Select(r => r.GetString()));
        // Too late to answer now.
        var applicationId = row.GetProperty("id").GetGuid();
        Assert.NotEqual(HttpStatusCode.OK, (await member.Client.PostAsync($"/api/v1/consortium-requests/{applicationId}/confirm", null)).StatusCode);
        // Nothing eligible: starting the review cancels the scenario (流标).
        var start = await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        Assert.Equal("cancelled", (await start.ReadAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [PostgresFact]
    public async Task ADecline_TellsTheLead_AndTheApplicationWaitsAgain()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("联合体确认：拒绝后通知牵头单位", closesAt: app.Clock.GetUtcNow().AddDays(5)));
        var lead = await FirmAsync("被拒牵头有限公司");
        var member = await FirmAsync("拒绝参与成员有限公司");
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(lead, scenario.Id, member)).StatusCode);
        var applicationId = (await app.Get<ApplicationQueries>().GetOwnAsync(scenario.Id, lead.Profile.Id, default))!.Id;

        Assert.Equal(HttpStatusCode.OK, (await member.Client.PostAsync($"/api/v1/consortium-requests/{applicationId}/confirm", null)).StatusCode);
        Assert.Equal("submitted", await StatusAsync(scenario.Id, lead));
        var declined = await member.Client.PostAsync($"/api/v1/consortium-requests/{applicationId}/decline", null);
        Assert.Equal("awaiting_consortium", (await declined.ReadAsync<JsonElement>()).GetProperty("applicationStatus").GetString());
        Assert.Equal("awaiting_consortium", await StatusAsync(scenario.Id, lead));
        await app.DrainOutboxAsync();
        var told = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(lead.Member.Email) && (m.Subject ?? "").Contains("联合体成员拒绝"));
        Assert.Contains(member.Profile.Name, told.TextBody);
        Assert.Contains("已拒绝", await lead.Client.GetStringAsync($"/scenarios/{scenario.Id}/apply"));

        // The lead drops the member: without members the application counts again.
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(lead, scenario.Id)).StatusCode);
        Assert.Equal("submitted", await StatusAsync(scenario.Id, lead));
        Assert.Empty(await app.Get<ConsortiumConsents>().ListForMemberAsync(member.Profile.Id, default));
    }

    [PostgresFact]
    public async Task AFirmNotNamed_CannotConfirm_NorSeeTheRequest()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("联合体确认：未列名企业", closesAt: app.Clock.GetUtcNow().AddDays(5)));
        var lead = await FirmAsync("列名牵头有限公司");
        var member = await FirmAsync("列名成员有限公司");
        var outsider = await FirmAsync("未列名旁观有限公司");
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(lead, scenario.Id, member)).StatusCode);
        var applicationId = (await app.Get<ApplicationQueries>().GetOwnAsync(scenario.Id, lead.Profile.Id, default))!.Id;

        var refused = await outsider.Client.PostAsync($"/api/v1/consortium-requests/{applicationId}/confirm", null);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("consortium_request_not_found", await CodeOf(refused));
        Assert.Equal(0, (await outsider.Client.GetFromJsonAsync<JsonElement>("/api/v1/me/consortium-requests")).GetArrayLength());
        Assert.DoesNotContain("列名牵头有限公司", await outsider.Client.GetStringAsync("/firm/consortium"));
        // The lead cannot confirm for its members either.
        Assert.Equal(HttpStatusCode.NotFound, (await lead.Client.PostAsync($"/api/v1/consortium-requests/{applicationId}/confirm", null)).StatusCode);
        Assert.Equal("awaiting_consortium", await StatusAsync(scenario.Id, lead));
    }
}
