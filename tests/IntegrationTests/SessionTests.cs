using System.Net;
using System.Net.Http.Json;
using Marketplace.IntegrationTests.Support;

namespace Marketplace.IntegrationTests;

/// <summary>Sessions end when they should: after a password reset, on "sign out everywhere", and at the absolute lifetime.</summary>
public sealed class SessionTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private const string Protected = "/api/v1/me/recommendations";

    [PostgresFact]
    public async Task APasswordReset_EndsEverySessionIssuedBeforeIt()
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var before = await app.SignedInClientAsync(member.Email, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync(Protected)).StatusCode);

        var client = app.FormClient();
        await MarketplaceApp.PostFormAsync(client, "/account/forgot", "/account/forgot", new Dictionary<string, string> { ["Email"] = member.Email });
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email) && (m.Subject ?? "").Contains("重置"));
        var link = MarketplaceApp.LinkPathIn(mail);
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        await MarketplaceApp.PostFormAsync(client, link, "/account/reset",
            new Dictionary<string, string> { ["Token"] = Uri.UnescapeDataString(token), ["Password"] = "NewPassword2026" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync(Protected)).StatusCode);
        var after = await app.SignedInClientAsync(member.Email, "NewPassword2026");
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync(Protected)).StatusCode);
    }

    [PostgresFact]
    public async Task SignOutEverywhere_EndsTheSessionsOnOtherDevicesToo()
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var phone = await app.SignedInClientAsync(member.Email, TestData.Password);
        var laptop = await app.SignedInClientAsync(member.Email, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(Protected)).StatusCode);

        var signedOut = await MarketplaceApp.PostFormAsync(laptop, "/", "/account/logout-everywhere", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync(Protected)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync(Protected)).StatusCode);
    }

    [PostgresFact]
    public async Task ASession_EndsAtItsAbsoluteLifetime_EvenWhileInUse()
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        for (var hour = 0; hour < 11; hour++)
        {
            app.Clock.Advance(TimeSpan.FromHours(1)); // in use every hour: the sliding window never lapses
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Protected)).StatusCode);
        }
        app.Clock.Advance(TimeSpan.FromHours(1.5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Protected)).StatusCode);
    }
}

/// <summary>Cross-site requests: the session cookie alone cannot change state through the JSON API.</summary>
public sealed class CrossSiteRequestTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task ACrossSiteTextPlainPost_WithTheCookieButNoToken_IsRefused_AndWithdrawsNothing()
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("跨站请求：撤回申报应被拒绝"));
        var script = await app.SignedInClientAsync(member.Email, TestData.Password); // carries the token
        Assert.Equal(HttpStatusCode.OK, (await script.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("跨站测试：完整的技术方案，设备与平台，分期实施。", 50))).StatusCode);

        // What another site can make a browser send: the cookie, a simple content type, no custom header.
        var browser = app.FormClient();
        foreach (var cookie in new[] { member.Email })
        {
            var signIn = await MarketplaceApp.PostFormAsync(browser, "/account/login", "/account/login",
                new Dictionary<string, string> { ["Email"] = cookie, ["Password"] = TestData.Password });
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        var forged = await browser.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw",
            new StringContent("", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("antiforgery_required", (await forged.ReadAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
        Assert.Equal("submitted", (await app.Get<Marketplace.Scenarios.Applications.ApplicationQueries>().GetOwnAsync(scenario.Id, member.EnterpriseId!.Value, default))!.Status);

        // The same call with the token goes through.
        Assert.Equal(HttpStatusCode.NoContent, (await script.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", null)).StatusCode);
    }
}
