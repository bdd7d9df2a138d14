using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Process;
using MimeKit;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Objections (异议) come from someone identifiable: an email address confirmed by link, or a signed-in account. Only a
/// counted objection tells officers and holds the award; one open objection per person, no text twice.
/// </summary>
public sealed class ObjectionTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task<(Scenario Scenario, UserAccount Officer, HttpClient OfficerClient)> InPublicityAsync(string title)
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app, TestData.ScenarioCommand(title, DateTimeOffset.UtcNow.AddSeconds(2)), 1);
        var officer = await TestData.OfficerAsync(app);
        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);
        await client.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        var decided = await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision", new DecisionDto([applicants[0].Application], "唯一符合资格的申报，方案可行。"));
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        return (scenario, officer, client);
    }

    private async Task EndPublicityNowAsync(Guid scenarioId)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = now() - interval '1 minute' where id = @scenarioId", new { scenarioId });
    }

    private IReadOnlyList<MimeMessage> ObjectionMailsTo(string email, string title) => app.Smtp.Messages
        .Where(m => m.To.Mailboxes.Any(b => b.Address.Equals(email, StringComparison.OrdinalIgnoreCase)) && (m.Subject ?? "").Contains("收到异议")
                    && (m.TextBody ?? "").Contains(title)).ToList();

    private static Task<HttpResponseMessage> ObjectAsync(HttpClient client, Guid scenarioId, string? email, string content, string name = "王女士") =>
        client.PostAsJsonAsync($"/api/v1/scenarios/{scenarioId}/objections", new ObjectionDto(name, email, content));

    [PostgresFact]
    public async Task AnonymousObjection_Unconfirmed_NeitherBlocksTheAwardNorMailsOfficers()
    {
        const string title = "异议：未确认的不生效";
        var (scenario, officer, officerClient) = await InPublicityAsync(title);
        var email = $"citizen{Guid.NewGuid():N}@example.test";

        var filed = await ObjectAsync(app.CreateClient(), scenario.Id, email, "入选企业的业绩材料与公开信息不符，请核实。");
        Assert.Equal(HttpStatusCode.Accepted, filed.StatusCode);
        var body = await filed.ReadAsync<JsonElement>();
        Assert.False(body.GetProperty("confirmed").GetBoolean());
        await app.DrainOutboxAsync();
        var confirmMail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email) && m.Subject!.Contains("请确认您的异议"));
        Assert.Contains("/objections/confirm?token=", confirmMail.TextBody);

        Assert.Empty(ObjectionMailsTo(officer.Email, title));
        Assert.Empty(await officerClient.GetFromJsonAsync<List<Objection>>($"/api/v1/scenarios/{scenario.Id}/objections") ?? []);
        await EndPublicityNowAsync(scenario.Id);
        Assert.Contains(await app.Get<AwardProcess>().FinishPublicityAsync(default), r => r.ScenarioId == scenario.Id && r.Outcome == "awarded");

        // Publicity is over: the link no longer makes the objection count.
        var late = await TestData.ConfirmObjectionAsync(app, email);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("公示已结束", await late.Content.ReadAsStringAsync());
        Assert.Empty(ObjectionMailsTo(officer.Email, title));
    }

    [PostgresFact]
    public async Task ConfirmLink_MakesTheObjectionCount_MailsOfficersOnce_AndHoldsTheAward()
    {
        const string title = "异议：确认后生效";
        var (scenario, officer, officerClient) = await InPublicityAsync(title);
        var email = $"citizen{Guid.NewGuid():N}@example.test";
        Assert.Equal(HttpStatusCode.Accepted, (await ObjectAsync(app.CreateClient(), scenario.Id, email, "入选企业近三年存在同类项目验收未通过的记录。")).StatusCode);

        // A mail scanner following the link sees a page with a button; nothing is confirmed by GET alone.
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email) && m.Subject!.Contains("请确认您的异议"));
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", "http://marketplace\\.test(/objections/confirm\\?token=[A-Za-z0-9_%-]+)").Groups[1].Value;
        var page = await app.CreateClient().GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("确认提交异议", await page.Content.ReadAsStringAsync());
        Assert.Empty(await officerClient.GetFromJsonAsync<List<Objection>>($"/api/v1/scenarios/{scenario.Id}/objections") ?? []);

        var confirmed = await TestData.ConfirmObjectionAsync(app, email);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("异议已确认并生效", await confirmed.Content.ReadAsStringAsync());
        var filedMail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(officer.Email) && m.Subject!.Contains("收到异议") && (m.TextBody ?? "").Contains(title));
        Assert.Contains(email, filedMail.TextBody); // officers learn who objected

        // The link works once: a second use is refused with a clear page and mails nobody again.
        var again = await TestData.ConfirmObjectionAsync(app, email);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("确认链接无效或已使用", await again.Content.ReadAsStringAsync());
        Assert.Single(ObjectionMailsTo(officer.Email, title));

        var objection = Assert.Single(await officerClient.GetFromJsonAsync<List<Objection>>($"/api/v1/scenarios/{scenario.Id}/objections") ?? []);
        Assert.Equal(email, objection.FilerEmail);
        Assert.False(objection.SignedIn);
        Assert.Contains(email, await officerClient.GetStringAsync($"/officer/scenarios/{scenario.Id}/process"));
        // Public pages never show who objected.
        Assert.DoesNotContain(email, await app.CreateClient().GetStringAsync($"/scenarios/{scenario.Id}"));
        Assert.DoesNotContain(email, await app.CreateClient().GetStringAsync($"/api/v1/scenarios/{scenario.Id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/v1/scenarios/{scenario.Id}/objections")).StatusCode);

        await EndPublicityNowAsync(scenario.Id);
        Assert.DoesNotContain(await app.Get<AwardProcess>().FinishPublicityAsync(default), r => r.ScenarioId == scenario.Id);
        Assert.Equal(ScenarioStatus.Publicity, (await app.Get<ScenarioStore>().GetAsync(scenario.Id, default))!.Status);
    }

    [PostgresFact]
    public async Task SecondObjection_OfTheSamePerson_OrTheSameText_IsRefused()
    {
        var (scenario, _, _) = await InPublicityAsync("异议：不得重复");
        var email = $"Repeat{Guid.NewGuid():N}@Example.test";
        var visitor = app.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await ObjectAsync(visitor, scenario.Id, email, "第一条异议：入选企业资质证书已过期。")).StatusCode);

        // The same person however the address is spelled (case, a +tag), before and after confirming.
        var tagged = email.Replace("@", "+again@").ToUpperInvariant();
        var pending = await ObjectAsync(visitor, scenario.Id, tagged, "第二条异议：入选企业报价明显低于成本。");
        Assert.Equal(HttpStatusCode.Conflict, pending.StatusCode);
        var pendingProblem = await pending.ReadAsync<JsonElement>();
        Assert.Equal("objection_open", pendingProblem.GetProperty("code").GetString());
        Assert.Contains("请查收确认邮件", pendingProblem.GetProperty("title").GetString());
        await TestData.ConfirmObjectionAsync(app, email);
        var open = await ObjectAsync(visitor, scenario.Id, email, "第二条异议：入选企业报价明显低于成本。");
        Assert.Equal("objection_open", (await open.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        // The same text from someone else (spacing aside) is the same objection.
        var copy = await ObjectAsync(visitor, scenario.Id, $"other{Guid.NewGuid():N}@example.test", "  第一条异议：入选企业资质证书已过期。 ");
        Assert.Equal(HttpStatusCode.Conflict, copy.StatusCode);
        Assert.Equal("objection_duplicate_content", (await copy.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        // The database is the guarantee: a second open row of the same person does not go in whatever the code says.
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("""
            insert into scenarios.objections (id, scenario_id, filed_at, filer_name, filer_email, filer_key, content, content_hash, confirmed_at)
            select gen_random_uuid(), scenario_id, now(), '绕过检查', filer_email, filer_key, '绕过检查直接写入的第二条异议', 'x', now()
            from scenarios.objections where scenario_id = @id
            """, new { id = scenario.Id }));
        Assert.Equal("objections_one_open_per_filer", error.ConstraintName);
    }

    [PostgresFact]
    public async Task SignedInObjection_CountsAtOnce_AsTheAccount()
    {
        const string title = "异议：登录后提交即生效";
        var (scenario, officer, officerClient) = await InPublicityAsync(title);
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);

        var filed = await ObjectAsync(client, scenario.Id, "someone-else@example.test", "入选企业的联合体成员并未实际参与方案编制。", "某企业");
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        Assert.True((await filed.ReadAsync<JsonElement>()).GetProperty("confirmed").GetBoolean());
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(officer.Email) && m.Subject!.Contains("收到异议") && (m.TextBody ?? "").Contains(title));
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.ToString().Contains("someone-else@example.test"));

        var objection = Assert.Single(await officerClient.GetFromJsonAsync<List<Objection>>($"/api/v1/scenarios/{scenario.Id}/objections") ?? []);
        Assert.True(objection.SignedIn);
        Assert.Equal(member.Email.ToLowerInvariant(), objection.FilerEmail); // the account's address, not the one in the body
        // The account and its address are one identity.
        var viaEmail = await ObjectAsync(app.CreateClient(), scenario.Id, member.Email, "同一人换用邮箱方式再提交一条异议。");
        Assert.Equal("objection_open", (await viaEmail.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        // The page form works the same way for a signed-in person: no email field, counted at once.
        var html = await client.GetStringAsync($"/scenarios/{scenario.Id}");
        Assert.DoesNotContain("name=\"email\"", html);
    }

    [PostgresFact]
    public async Task ExpiredOrUnknownLinks_GiveAClearPage_AndExpiredObjectionsAreDeleted()
    {
        var (scenario, _, _) = await InPublicityAsync("异议：链接过期");
        var email = $"late{Guid.NewGuid():N}@example.test";
        await ObjectAsync(app.CreateClient(), scenario.Id, email, "入选企业的软件著作权与方案内容无关。");
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email) && m.Subject!.Contains("请确认您的异议"));
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", "http://marketplace\\.test(/objections/confirm\\?token=[A-Za-z0-9_%-]+)").Groups[1].Value;

        var unknown = await app.CreateClient().GetAsync("/objections/confirm?token=not-a-real-token");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("确认链接无效或已使用", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/objections/confirm")).StatusCode);

        app.Clock.Advance(app.Get<Microsoft.Extensions.Options.IOptions<ObjectionOptions>>().Value.ConfirmationLifetime + TimeSpan.FromMinutes(1));
        var expired = await app.CreateClient().GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        var text = await expired.Content.ReadAsStringAsync();
        Assert.Contains("确认链接已过期", text);
        Assert.DoesNotContain("确认提交异议</button>", text);
        var posted = await TestData.ConfirmObjectionAsync(app, email);
        Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        Assert.Empty(await app.Get<ObjectionProcess>().ListAsync(scenario.Id, default)); // (the officer's session ended with the day passed)

        // The scheduler deletes it; the person may object again (a new link).
        Assert.True(await app.Get<ObjectionProcess>().DeleteExpiredUnconfirmedAsync(default) >= 1);
        Assert.Equal(HttpStatusCode.Accepted, (await ObjectAsync(app.CreateClient(), scenario.Id, email, "入选企业的软件著作权与方案内容无关。")).StatusCode);
    }

    [PostgresFact]
    public async Task ObjectionForm_ForTwoVisitors_CarriesATokenOfEachOnesOwn_SoBothCanFileIt()
    {
        // The scenario page is kept for visitors (decision 65) unless it carries a form token, which belongs to one cookie.
        var (scenario, _, _) = await InPublicityAsync("异议：两位访客");
        var first = app.FormClient();
        var second = app.FormClient();
        string Token(string html) => System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEqual(Token(await first.GetStringAsync($"/scenarios/{scenario.Id}")), Token(await second.GetStringAsync($"/scenarios/{scenario.Id}")));
        foreach (var (client, n) in new[] { (first, 1), (second, 2) })
        {
            var filed = await MarketplaceApp.PostFormAsync(client, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/objections",
                new Dictionary<string, string> { ["name"] = $"访客{n}", ["email"] = $"visitor{n}{Guid.NewGuid():N}@example.test", ["content"] = $"第{n}位访客：入选企业的业绩证明材料不完整。" });
            Assert.Equal(HttpStatusCode.Redirect, filed.StatusCode);
            Assert.Contains("尚未生效", await client.GetStringAsync(filed.Headers.Location!.ToString()));
        }
    }

    [PostgresFact]
    public async Task ObjectionForm_AnonymousWithEmail_SaysToConfirm_AndRefusesBadInputWithMessages()
    {
        var (scenario, _, _) = await InPublicityAsync("异议：网页表单");
        var form = app.FormClient();
        var bad = await MarketplaceApp.PostFormAsync(form, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/objections",
            new Dictionary<string, string> { ["name"] = "张", ["email"] = "not-an-address", ["content"] = new string('长', 6000) });
        Assert.Equal(HttpStatusCode.Redirect, bad.StatusCode);
        var shown = await form.GetStringAsync(bad.Headers.Location!.ToString());
        Assert.Contains("请填写有效的电子邮箱", shown);
        Assert.Contains("异议内容应为 10–5000 字", shown);

        var email = $"form{Guid.NewGuid():N}@example.test";
        var ok = await MarketplaceApp.PostFormAsync(form, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/objections",
            new Dictionary<string, string> { ["name"] = "张先生", ["email"] = email, ["content"] = "入选企业的检测报告不是第三方出具的。" });
        var after = await form.GetStringAsync(ok.Headers.Location!.ToString());
        Assert.Contains("尚未生效", after);
        Assert.DoesNotContain(email, after);
    }
}

/// <summary>Filing objections is rate-limited per client address (the named policy) and per objector identity.</summary>
public sealed class ObjectionRateLimitTests(ObjectionLimitedMarketplaceApp app) : IClassFixture<ObjectionLimitedMarketplaceApp>
{
    [PostgresFact]
    public async Task OverTheLimits_TheApiAnswers429WithRetryAfter_AndTheFormSaysSo()
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app, TestData.ScenarioCommand("异议：限流", DateTimeOffset.UtcNow.AddSeconds(2)), 1);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision", new DecisionDto([applicants[0].Application], "唯一符合资格的申报，方案可行。"));
        var url = $"/api/v1/scenarios/{scenario.Id}/objections";

        // Per identity (2 an hour here): the same person with new texts, whatever the spelling of the address.
        var email = $"busy{Guid.NewGuid():N}@example.test";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var response = await app.CreateClient().PostAsJsonAsync(url, new ObjectionDto("频繁者", i == 1 ? email.ToUpperInvariant() : email, $"第 {i} 条不同内容的异议文字。"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests], statuses);

        // Per address (3 an hour here; the test server's requests all come from one address): the fourth post from it.
        var overAddress = await app.CreateClient().PostAsJsonAsync(url, new ObjectionDto("某人", $"x{Guid.NewGuid():N}@example.test", "第五条异议的文字内容。"));
        Assert.Equal(HttpStatusCode.TooManyRequests, overAddress.StatusCode);
        Assert.True(overAddress.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var problem = await overAddress.ReadAsync<JsonElement>();
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());

        var form = app.FormClient();
        var html = await MarketplaceApp.PostFormAsync(form, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/objections",
            new Dictionary<string, string> { ["name"] = "张先生", ["email"] = $"y{Guid.NewGuid():N}@example.test", ["content"] = "表单提交的一条异议内容。" });
        Assert.Equal(HttpStatusCode.Redirect, html.StatusCode);
        Assert.Contains("提交异议过于频繁", await form.GetStringAsync(html.Headers.Location!.ToString()));
    }
}
