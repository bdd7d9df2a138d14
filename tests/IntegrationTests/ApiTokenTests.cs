using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>Tokens are made the way a person makes them: signed in, through the account page's form.</summary>
internal static partial class ApiTokenPages
{
    [GeneratedRegex("<code id=\"new-token\">(mkt_[A-Za-z0-9_-]{43})</code>")]
    private static partial Regex NewToken();

    [GeneratedRegex("action=\"/account/tokens/([0-9a-f-]{36})/revoke\"")]
    private static partial Regex RevokeAction();

    /// <summary>Creates a token on the account page and returns its secret as the page shows it, once.</summary>
    public static async Task<string> CreateAsync(HttpClient signedIn, string name = "数据同步脚本", int days = 30)
    {
        var response = await MarketplaceApp.PostFormAsync(signedIn, "/account", "/account/tokens",
            new Dictionary<string, string> { ["Form.Name"] = name, ["Form.ExpiresInDays"] = days.ToString() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "");
        var match = NewToken().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, "the page shows the new token");
        return match.Groups[1].Value;
    }

    /// <summary>The ids the account page offers a revoke button for, newest first.</summary>
    public static async Task<List<Guid>> RevocableAsync(HttpClient signedIn) =>
        RevokeAction().Matches(await signedIn.GetStringAsync("/account")).Select(m => Guid.Parse(m.Groups[1].Value)).ToList();

    /// <summary>A client with no cookie at all: only the bearer token speaks for it.</summary>
    public static HttpClient BearerClient(MarketplaceApp app, string token)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A member of a new firm, signed in with the cookie (and the CSRF header), plus a token made on their page.</summary>
    public static async Task<(UserAccount Member, HttpClient Session, HttpClient Bearer)> FirmMemberWithTokenAsync(MarketplaceApp app, string region = "通州区·宋庄镇")
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app, region: region));
        var session = await app.SignedInClientAsync(member.Email, TestData.Password);
        return (member, session, BearerClient(app, await CreateAsync(session)));
    }
}

/// <summary>Per-user API tokens: what they may do, where they are accepted, and when they stop working.</summary>
public sealed class ApiTokenTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private const string Protected = "/api/v1/me/recommendations";

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.ExecuteScalarAsync<long>(sql, args);
    }

    [PostgresFact]
    public async Task ABearerToken_ChangesStateThroughTheApi_WithoutTheCsrfHeader_WhileTheBareCookieIsStillRefused()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("令牌：脚本提交申报"));
        var (member, _, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);

        Assert.False(bearer.DefaultRequestHeaders.Contains("X-CSRF-TOKEN"));
        var applied = await bearer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", TestData.Proposal("脚本提交的完整技术方案：设备、平台与运维。", 80));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Protected)).StatusCode);
        Assert.Equal("submitted", (await app.Get<Marketplace.Scenarios.Applications.ApplicationQueries>().GetOwnAsync(scenario.Id, member.EnterpriseId!.Value, default))!.Status);

        // The session cookie alone (what another site can make a browser send) still cannot change anything.
        var browser = app.FormClient();
        await MarketplaceApp.PostFormAsync(browser, "/account/login", "/account/login",
            new Dictionary<string, string> { ["Email"] = member.Email, ["Password"] = TestData.Password });
        var forged = await browser.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", new StringContent("", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("antiforgery_required", (await forged.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        // The token withdraws, without any CSRF header.
        Assert.Equal(HttpStatusCode.NoContent, (await bearer.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", null)).StatusCode);
    }

    [PostgresFact]
    public async Task AnUnknownOrMalformedToken_Is401_WithABearerChallenge_EvenBesideAValidCookie()
    {
        var (_, session, _) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        foreach (var bad in new[] { "mkt_" + new string('A', 43), "mkt_short", "not-a-token", "" })
        {
            var response = await ApiTokenPages.BearerClient(app, bad).GetAsync(Protected);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // A request that names a token is judged by that token alone.
        using var both = new HttpRequestMessage(HttpMethod.Get, Protected);
        both.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "mkt_" + new string('B', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.SendAsync(both)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(Protected)).StatusCode);
    }

    [PostgresFact]
    public async Task AToken_IsAcceptedOnlyUnderTheApi()
    {
        var (_, _, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var page = await bearer.GetAsync("/firm");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, (await bearer.GetAsync("/account")).StatusCode);
    }

    [PostgresFact]
    public async Task TheSecret_IsStoredOnlyAsItsSha256()
    {
        var (member, session, _) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var secret = await ApiTokenPages.CreateAsync(session, "哈希检查");
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        var rows = (await conn.QueryAsync("select * from accounts.api_tokens where user_id = @id", new { id = member.Id })).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(2, rows.Count);
        Assert.DoesNotContain(rows.SelectMany(r => r.Values), v => v?.ToString()?.Contains(secret[4..]) == true);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        Assert.Contains(rows, r => (string)r["token_hash"]! == expected && (string)r["name"]! == "哈希检查");
        // The page that lists tokens never shows a secret again.
        var page = await session.GetStringAsync("/account");
        Assert.Contains("哈希检查", page);
        Assert.DoesNotContain(secret[4..], page);
        Assert.DoesNotContain("mkt_", page);
    }

    [PostgresFact]
    public async Task ARevokedToken_Is401_AndOnlyItsOwnerCanRevokeIt_OnTheAccountPage()
    {
        var (member, session, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var (_, otherSession, _) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Protected)).StatusCode);
        var tokenId = (await ApiTokenPages.RevocableAsync(session)).Single();

        // Someone else's revoke is "not found" and changes nothing.
        var foreign = await MarketplaceApp.PostFormAsync(otherSession, "/account", $"/account/tokens/{tokenId}/revoke", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Protected)).StatusCode);

        // Without the form's antiforgery token the revoke is refused.
        var browser = app.FormClient(); // signed in, but without the form's token or the CSRF header
        await MarketplaceApp.PostFormAsync(browser, "/account/login", "/account/login",
            new Dictionary<string, string> { ["Email"] = member.Email, ["Password"] = TestData.Password });
        var noToken = await browser.PostAsync($"/account/tokens/{tokenId}/revoke", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Protected)).StatusCode);

        var revoked = await MarketplaceApp.PostFormAsync(session, "/account", $"/account/tokens/{tokenId}/revoke", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync(Protected)).StatusCode);
        var page = await session.GetStringAsync("/account");
        Assert.Contains("令牌已撤销", page);
        Assert.Contains("已撤销", page);
        Assert.Empty(await ApiTokenPages.RevocableAsync(session));
        Assert.Equal(2, await CountAsync("select count(*) from audit.entries where entity_type = 'api_token' and entity_id = @id and actor_id = @user",
            new { id = tokenId.ToString(), user = member.Id }));
    }

    [PostgresFact]
    public async Task AToken_Ends_AtItsExpiry()
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var session = await app.SignedInClientAsync(member.Email, TestData.Password);
        var bearer = ApiTokenPages.BearerClient(app, await ApiTokenPages.CreateAsync(session, "一天", days: 1));
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Protected)).StatusCode);
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync(Protected)).StatusCode);
        var page = await (await app.SignedInClientAsync(member.Email, TestData.Password)).GetStringAsync("/account");
        Assert.Contains("已过期", page);
    }

    [PostgresFact]
    public async Task APasswordReset_OrSignOutEverywhere_EndsEveryToken()
    {
        var (member, session, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Protected)).StatusCode);

        var client = app.FormClient();
        await MarketplaceApp.PostFormAsync(client, "/account/forgot", "/account/forgot", new Dictionary<string, string> { ["Email"] = member.Email });
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email) && (m.Subject ?? "").Contains("重置"));
        var link = MarketplaceApp.LinkPathIn(mail);
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        await MarketplaceApp.PostFormAsync(client, link, "/account/reset",
            new Dictionary<string, string> { ["Token"] = Uri.UnescapeDataString(token), ["Password"] = "NewPassword2026" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync(Protected)).StatusCode);

        // A token made after the reset works until the person signs out everywhere.
        var again = await app.SignedInClientAsync(member.Email, "NewPassword2026");
        var fresh = ApiTokenPages.BearerClient(app, await ApiTokenPages.CreateAsync(again, "重置之后"));
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync(Protected)).StatusCode);
        await MarketplaceApp.PostFormAsync(again, "/account", "/account/logout-everywhere", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.GetAsync(Protected)).StatusCode);
    }

    [PostgresFact]
    public async Task AFirmsToken_ActsOnlyAsItsFirm_AsItsCookieWould()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("令牌：企业之间互不可见"));
        var (firmB, _, bearerB) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var (_, sessionA, bearerA) = await ApiTokenPages.FirmMemberWithTokenAsync(app, region: "外省市·上海市浦东新区");
        Assert.Equal(HttpStatusCode.OK, (await bearerB.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("乙企业的完整技术方案：智能投放与督导平台。", 90))).StatusCode);

        // Firm A can neither withdraw B's application nor list the applications; its token answers as its cookie does.
        var byToken = await bearerA.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", null);
        var byCookie = await sessionA.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/withdraw", null);
        Assert.False(byToken.IsSuccessStatusCode);
        Assert.Equal(byCookie.StatusCode, byToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bearerA.GetAsync($"/api/v1/scenarios/{scenario.Id}/applications")).StatusCode);
        Assert.Equal("submitted", (await app.Get<Marketplace.Scenarios.Applications.ApplicationQueries>().GetOwnAsync(scenario.Id, firmB.EnterpriseId!.Value, default))!.Status);

        // A partner-only scenario stays hidden from a token of a firm elsewhere, exactly as from its session.
        var partners = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("令牌：协同区域专属场景") with
        {
            Visibility = ScenarioVisibility.Partners, PartnerRegions = ["北三县·三河市"],
        });
        var (_, _, sanhe) = await ApiTokenPages.FirmMemberWithTokenAsync(app, region: "北三县·三河市");
        Assert.Equal(HttpStatusCode.OK, (await sanhe.GetAsync($"/api/v1/scenarios/{partners.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bearerA.GetAsync($"/api/v1/scenarios/{partners.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sessionA.GetAsync($"/api/v1/scenarios/{partners.Id}")).StatusCode);
    }

    [PostgresFact]
    public async Task AFirmsToken_OnAnOfficerEndpoint_Is403_WhileAnOfficersTokenActsAsTheOfficer()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("令牌：角色不变"));
        var (_, _, firm) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var command = TestData.ScenarioCommand("令牌：经办人用脚本起草场景");
        Assert.Equal(HttpStatusCode.Forbidden, (await firm.PostAsJsonAsync("/api/v1/scenarios", command)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await firm.GetAsync($"/api/v1/scenarios/{scenario.Id}/recommendations")).StatusCode);

        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var officerToken = ApiTokenPages.BearerClient(app, await ApiTokenPages.CreateAsync(officer, "经办人脚本"));
        Assert.Equal(HttpStatusCode.Created, (await officerToken.PostAsJsonAsync("/api/v1/scenarios", command)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officerToken.GetAsync(Protected)).StatusCode); // a firm member's endpoint
    }

    [PostgresFact]
    public async Task TheAccountPage_ListsTokensWithTheirLastUse_AndCapsHowManyArePossible()
    {
        var (_, session, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        Assert.Contains("从未使用", await session.GetStringAsync("/account"));
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(Protected)).StatusCode);
        var page = await session.GetStringAsync("/account");
        Assert.Contains("数据同步脚本", page);
        Assert.DoesNotContain("从未使用", page);

        // Bad input comes back as the form with messages.
        var bad = await MarketplaceApp.PostFormAsync(session, "/account", "/account/tokens",
            new Dictionary<string, string> { ["Form.Name"] = "", ["Form.ExpiresInDays"] = "9999" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badPage = await bad.Content.ReadAsStringAsync();
        Assert.Contains("令牌名称应为 1–60 个字", badPage);
        Assert.Contains("有效期应为 1–365 天", badPage);
        Assert.DoesNotContain("new-token", badPage);

        for (var i = 2; i <= 10; i++) await ApiTokenPages.CreateAsync(session, $"脚本{i}");
        var over = await MarketplaceApp.PostFormAsync(session, "/account", "/account/tokens",
            new Dictionary<string, string> { ["Form.Name"] = "第十一个", ["Form.ExpiresInDays"] = "30" });
        var overPage = await over.Content.ReadAsStringAsync();
        Assert.Contains("最多同时持有 10 个有效的 API 令牌", overPage);
        Assert.DoesNotContain("new-token", overPage);
        Assert.Equal(10, (await ApiTokenPages.RevocableAsync(session)).Count);
    }

    [PostgresFact]
    public async Task TheOpenApiDescription_DeclaresTheBearerScheme_OnOperationsThatNeedACaller_AndTheIdempotencyHeader()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiToken");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/v1/scenarios").GetProperty("post").TryGetProperty("security", out var security));
        Assert.True(security[0].TryGetProperty("ApiToken", out _));
        Assert.False(paths.GetProperty("/api/v1/scenarios").GetProperty("get").TryGetProperty("security", out _));
        // …and the optional Idempotency-Key header on the POSTs.
        Assert.Contains(paths.GetProperty("/api/v1/scenarios").GetProperty("post").GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
    }
}
