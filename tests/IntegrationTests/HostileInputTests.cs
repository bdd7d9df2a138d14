using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Hostile input, generated: every JSON request model of the API and the search query strings get very long strings,
/// control and bidi characters, lone surrogates, markup and SQL-looking text, huge, negative and non-numeric numbers,
/// wrong types, missing and duplicated fields. Never a 5xx; a refusal is a 400/422 problem naming what was wrong; markup
/// sent in comes back escaped.
/// </summary>
public sealed class HostileInputTests(MarketplaceApp app, ITestOutputHelper output) : IClassFixture<MarketplaceApp>
{
    private const int SamplesPerEndpoint = 40;

    private static readonly string[] Crafted =
    [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; drop table scenarios.scenarios; --", "1 or 1=1",
        "\u202Egnp.exe", "\u200B\u200D\uFEFF", "\uD800", "\uDC00x\uD83D", "\0\u0001\u001F\u007F", "=HYPERLINK(\"http://x\",\"y\")",
        "line\r\nBcc: victim@example.test", "../../etc/passwd", "%00%2e%2e", "{{7*7}}", "${jndi:ldap://x}", new string('长', 60_000),
        new string('a', 300_000), "", " ", "null",
    ];

    /// <summary>A JSON value for a field: a hostile string, a number that is not one, or a value of the wrong type.</summary>
    private static readonly Gen<string> Value = Gen.OneOf(
        Choice(Crafted).Select(Quote),
        Gen.String[0, 200].Select(Quote),
        Gen.String[Gen.Char[(char)0, (char)0x2FFF], 0, 50].Select(Quote),
        Choice("0", "-1", "-99999999999999999999999", "1e309", "3.4e38", "NaN", "1.5", "true", "null", "[]", "{}",
            "[\"a\",1,null]", "\"2026-13-45T25:61:00Z\"", "\"not-a-guid\"", "\"00000000-0000-0000-0000-000000000000\""),
        Gen.Long.Select(n => n.ToString()),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0"));

    /// <summary>How a field appears in the body: absent, once, or twice.</summary>
    private static readonly Gen<int> Occurrences = Gen.Int[0, 2];

    private static Gen<string> Choice(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static string Quote(string s) => JsonSerializer.Serialize(s);

    private static Gen<string> Body(string[] fields) =>
        Gen.Select(Value.Array[fields.Length], Occurrences.Array[fields.Length], (values, times) =>
        {
            var parts = new List<string>();
            for (var i = 0; i < fields.Length; i++)
                for (var t = 0; t < times[i]; t++) parts.Add($"\"{fields[i]}\":{values[i]}");
            return "{" + string.Join(",", parts) + "}";
        });

    private static readonly string[] ScenarioFields =
    [
        "title", "summary", "description", "category", "domain", "location", "technologies", "ownerDepartment", "budgetMinWan",
        "budgetMaxWan", "mode", "awardSlots", "opensAt", "closesAt", "requiredQualifications", "minRegisteredCapitalWan", "fundingMode",
        "rubric", "milestoneTemplate", "visibility", "partnerRegions", "excludeWinnersWithinYears", "allowedRegions", "responsiblePerson",
    ];

    private static IEnumerable<T> Samples<T>(Gen<T> gen, int count, uint seed)
    {
        // Fixed seeds: a failure names the sample and reproduces.
        var pcg = new PCG(seed);
        for (var i = 0; i < count; i++) yield return gen.Generate(pcg, null, out _);
    }

    [PostgresFact]
    public async Task EveryApiRequestModel_UnderHostileBodies_AnswersWithoutAServerError()
    {
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var officerUser = await TestData.OfficerAsync(app);
        var reviewer = await app.Get<UserStore>().EnsureAsync($"hostile-{Guid.NewGuid():N}@expert.test", "专家", TestData.Password, Roles.Reviewer, null, null, default);
        var firmClient = await app.SignedInClientAsync(member.Email, TestData.Password);
        var officer = await app.SignedInClientAsync(officerUser.Email, TestData.Password);
        var expert = await app.SignedInClientAsync(reviewer.Email, TestData.Password);
        var visitor = app.FormClient();
        var open = await TestData.PublishedScenarioAsync(app);

        (HttpClient Client, HttpMethod Method, string Path, string[] Fields)[] endpoints =
        [
            (officer, HttpMethod.Post, "/api/v1/scenarios", ScenarioFields),
            (firmClient, HttpMethod.Post, "/api/v1/scenarios/proposals", ScenarioFields),
            (officer, HttpMethod.Put, $"/api/v1/scenarios/{open.Id}/terms",
                ["closesAt", "budgetMaxWan", "requiredQualifications", "minRegisteredCapitalWan", "description", "changeNote"]),
            (officer, HttpMethod.Post, $"/api/v1/scenarios/{open.Id}/invitations", ["enterpriseId"]),
            (officer, HttpMethod.Post, $"/api/v1/scenarios/{open.Id}/reject", ["reason"]),
            (officer, HttpMethod.Post, $"/api/v1/scenarios/{open.Id}/decision", ["winners", "reason"]),
            (officer, HttpMethod.Put, "/api/v1/calendar/2027-01-04", ["working", "name"]),
            (firmClient, HttpMethod.Post, $"/api/v1/scenarios/{open.Id}/applications",
                ["approach", "quotedBudgetWan", "team", "schedule", "pastCases", "declaredTruthful", "declaredNoDoubleFunding", "consortiumMembers", "draft"]),
            (firmClient, HttpMethod.Post, $"/api/v1/scenarios/{open.Id}/questions", ["question"]),
            (firmClient, HttpMethod.Post, "/api/v1/me/firm-claims", ["firmName", "creditCode", "industry", "region", "evidence"]),
            (visitor, HttpMethod.Post, $"/api/v1/scenarios/{open.Id}/objections", ["name", "contact", "content"]),
            (expert, HttpMethod.Post, $"/api/v1/reviews/{Guid.NewGuid()}/scores", ["scores"]),
            (expert, HttpMethod.Post, $"/api/v1/reviews/{Guid.NewGuid()}/conflict", ["reason"]),
        ];

        var failures = new List<string>();
        var tried = 0;
        foreach (var (endpoint, index) in endpoints.Select((e, i) => (e, i)))
            foreach (var body in Samples(Body(endpoint.Fields), SamplesPerEndpoint, (uint)(1000 + index)))
            {
                tried++;
                using var request = new HttpRequestMessage(endpoint.Method, endpoint.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                using var response = await endpoint.Client.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                if (status >= 500)
                    failures.Add($"{endpoint.Method} {endpoint.Path} → {status} for {Shorten(body)}");
                else if (status is 400 or 422 && !text.Contains("\"errors\"") && !text.Contains("\"code\"") && !text.Contains("\"title\""))
                    failures.Add($"{endpoint.Method} {endpoint.Path} → {status} without a problem description for {Shorten(body)}");
            }
        output.WriteLine($"Hostile bodies tried: {tried} over {endpoints.Length} request models, {failures.Count} failing.");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
    }

    [PostgresFact]
    public async Task TextTheDatabaseCannotStore_IsRefusedWithTheFieldNamed_BeforeAnyActionRuns()
    {
        var reviewer = await app.Get<UserStore>().EnsureAsync($"nul-{Guid.NewGuid():N}@expert.test", "专家", TestData.Password, Roles.Reviewer, null, null, default);
        var expert = await app.SignedInClientAsync(reviewer.Email, TestData.Password);
        var open = await TestData.PublishedScenarioAsync(app);
        foreach (var (client, path, body, field) in new[]
                 {
                     (expert, $"/api/v1/reviews/{Guid.NewGuid()}/conflict", "{\"reason\":\"a\\u0000b\"}", "Reason"),
                     (expert, $"/api/v1/reviews/{Guid.NewGuid()}/conflict", "{\"reason\":\"x\\ud800\"}", "Reason"),
                     (app.FormClient(), $"/api/v1/scenarios/{open.Id}/objections", "{\"name\":\"张三\",\"contact\":\"a@b.test\",\"content\":\"\\u0000\"}", "Content"),
                 })
        {
            using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {body} → {(int)response.StatusCode} {text}");
            Assert.Contains(field, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [PostgresFact]
    public async Task SearchQueryStrings_UnderHostileValues_AnswerWithoutAServerError_AndEchoMarkupEscaped()
    {
        await TestData.PublishedScenarioAsync(app);
        var client = app.FormClient();
        var raw = Gen.OneOf(Choice(Crafted.Where(c => c.Length < 2000).ToArray()), Gen.String[0, 100],
            Choice("-1", "0", "99999999999", "1e9", "abc", ""));
        var failures = new List<string>();
        var tried = 0;
        foreach (var path in new[] { "/api/v1/scenarios", "/scenarios", "/api/v1/capabilities", "/capabilities" })
            foreach (var (q, page, size, domain) in Samples(Gen.Select(raw, raw, raw, raw, (a, b, c, d) => (a, b, c, d)), SamplesPerEndpoint, (uint)path.Length))
            {
                tried++;
                var url = $"{path}?q={Uri.EscapeDataString(q)}&page={Uri.EscapeDataString(page)}&pageSize={Uri.EscapeDataString(size)}&domain={Uri.EscapeDataString(domain)}";
                using var response = await client.GetAsync(url);
                var text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode >= 500) failures.Add($"{url} → {(int)response.StatusCode}");
                // JSON answers carry the text as data (application/json, nosniff); pages must escape it.
                var html = response.Content.Headers.ContentType?.MediaType == "text/html";
                if (html && (text.Contains("<script>alert(1)</script>") || text.Contains("<img src=x onerror"))) failures.Add($"{url} echoes markup unescaped");
            }
        output.WriteLine($"Hostile query strings tried: {tried}, {failures.Count} failing.");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
    }

    [PostgresFact]
    public async Task AnEmptyMultipartBody_IsABadRequest_NotAServerError()
    {
        var member = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        var open = await TestData.PublishedScenarioAsync(app);
        using var response = await client.PostAsync($"/scenarios/{open.Id}/application/files", new MultipartFormDataContent());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [PostgresFact]
    public async Task TheDirectoryCsvExport_NeutralisesCellsThatWouldRunAsFormulas()
    {
        var firm = await TestData.FirmAsync(app, name: "=HYPERLINK(\"http://evil.example\",\"点此\")公司",
            description: "@SUM(1+1) 提供社区物联感知设备。");
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var csv = Encoding.UTF8.GetString(await officer.GetByteArrayAsync("/officer/directory/export?format=csv&q=" + Uri.EscapeDataString("HYPERLINK")));
        Assert.Contains(firm.CreditCode, csv);
        Assert.DoesNotMatch("(^|,)\"?=HYPERLINK", csv.Replace("\r", ""));
        Assert.Contains("'=HYPERLINK", csv);
        Assert.Contains("'@SUM", csv);
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + $"… ({body.Length} chars)";
}
