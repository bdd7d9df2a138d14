using System.Net;
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
