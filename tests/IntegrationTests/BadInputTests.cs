using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

/// <summary>Bad input gets field messages (422/400, or the form again), never a 500, and is refused by the named rule.</summary>
public sealed class BadInputTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task CreateScenario_WithEmptyBody_Answers422WithFieldErrors()
    {
        var officer = await TestData.OfficerAsync(app);
        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);

        var response = await client.PostAsync("/api/v1/scenarios", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadAsync<JsonElement>();
        Assert.Equal("title_length", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("title", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("closesAt", out _));
    }

    [PostgresFact]
    public async Task CreateScenario_WithMalformedJson_Answers400()
    {
        var officer = await TestData.OfficerAsync(app);
        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);
        var response = await client.PostAsync("/api/v1/scenarios", new StringContent("{\"budgetMinWan\": \"lots\"", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [PostgresFact]
    public async Task CreateScenarioForm_WithBadInput_ShowsTheFormAgainWithMessagesAndKeepsInput()
    {
        var officer = await TestData.OfficerAsync(app);
        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);
        var form = await client.GetStringAsync("/officer/scenarios/new");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("/officer/scenarios/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Title"] = "短", ["Summary"] = "保留我输入的摘要内容，不要丢失",
            ["BudgetMinWan"] = "abc", ["Category"] = "smart-city",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("保留我输入的摘要内容，不要丢失", html);
        Assert.Contains("field-validation-error", html);
    }

    [PostgresFact]
    public async Task CreateScenarioForm_WithGoodInput_SavesWithTheBeijingDeadlineInUtc()
    {
        var officer = await TestData.OfficerAsync(app);
        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);
        var response = await MarketplaceApp.PostFormAsync(client, "/officer/scenarios/new", "/officer/scenarios/new", new Dictionary<string, string>
        {
            ["Title"] = "表单创建的社区停车场景", ["Summary"] = "利用高位视频管理路内停车泊位。", ["Description"] = "路内泊位收费流失严重，希望以高位视频自动计时计费并识别违停。",
            ["Category"] = "smart-city", ["Domain"] = "智慧交通", ["Technologies"] = "计算机视觉、物联网", ["Mode"] = "single", ["AwardSlots"] = "1",
            ["BudgetMinWan"] = "50", ["BudgetMaxWan"] = "100", ["ClosesAt"] = "2031-03-01T17:00", ["MinRegisteredCapitalWan"] = "0",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = Guid.Parse(response.Headers.Location!.ToString().Split('/').Last());
        var saved = (await app.Get<Marketplace.Scenarios.Listings.ScenarioStore>().GetAsync(id, default))!;
        Assert.Equal(new DateTimeOffset(2031, 3, 1, 9, 0, 0, TimeSpan.Zero), saved.ClosesAt);
    }

    [PostgresFact]
    public async Task Apply_AfterTheDeadline_IsRefusedAsScenarioClosed()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand(closesAt: app.Clock.GetUtcNow().AddMinutes(5)));
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        app.Clock.Pass(scenario.ClosesAt);

        var response = await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("在截止时间之后提交的申报方案内容，应当被系统拒绝并给出原因。", 10));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("scenario_closed", (await response.ReadAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [PostgresFact]
    public async Task Apply_ByAnIneligibleFirm_NamesEveryFailedRule()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand(qualifications: ["专精特新"], minCapital: 5000));
        var firm = await TestData.FirmAsync(app, capital: 100);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);

        var response = await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("资质与注册资本都不满足要求的企业提交的申报方案，应被拒绝。", 10));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var codes = (await response.ReadAsync<JsonElement>()).GetProperty("codes").EnumerateArray().Select(c => c.GetString());
        Assert.Equal(["missing_qualification", "registered_capital_too_low"], codes);
    }

    [PostgresFact]
    public async Task Apply_BeyondTheCapOnOpenApplications_IsRefused()
    {
        var cap = app.Get<Microsoft.Extensions.Options.IOptions<Marketplace.Scenarios.Applications.ApplicationOptions>>().Value.MaxOpenPerFirm;
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        var body = TestData.Proposal("同时申报多个场景的技术方案，用于检验在途申报数量上限。", 10);
        for (var i = 0; i < cap; i++)
        {
            var s = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand($"上限测试场景之{i}号"));
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/scenarios/{s.Id}/applications", body)).StatusCode);
        }
        var one = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("上限测试场景之超额"));

        var refused = await client.PostAsJsonAsync($"/api/v1/scenarios/{one.Id}/applications", body);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("too_many_open_applications", (await refused.ReadAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [PostgresFact]
    public async Task Publish_Twice_IsRefusedAsNotPublishable()
    {
        var officer = await TestData.OfficerAsync(app);
        var scenario = await TestData.PublishedScenarioAsync(app);
        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);
        var response = await client.PostAsync($"/api/v1/scenarios/{scenario.Id}/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("scenario_not_publishable", (await response.ReadAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [PostgresFact]
    public async Task Api_WithoutSignIn_Answers401NotARedirect()
    {
        var response = await app.CreateClient(new() { AllowAutoRedirect = false }).PostAsJsonAsync("/api/v1/scenarios", new { });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [PostgresFact]
    public async Task Login_WithWrongPassword_ShowsAMessage()
    {
        var officer = await TestData.OfficerAsync(app);
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.SignedInClientAsync(officer.Email, "wrong-password"));
    }
}
