using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Every list, string and page size the API accepts is bounded before any work: an oversize value gets 400 (the
/// request model's annotation) or 422 (the use case's first check) naming the field — never 2xx, never 500.
/// </summary>
public sealed class InputBoundsTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static string Long(int length) => new('长', length);

    private static string[] Many(int count, string prefix = "项") => Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToArray();

    private static object Scenario(Dictionary<string, object?> change)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = "边界检查用的场景标题", ["summary"] = "一段足够长的摘要文字，用于检验。", ["description"] = "一段足够长的问题描述文字，用于检验各项输入的边界。",
            ["category"] = "smart-city", ["domain"] = "数字化社区", ["location"] = "通州区", ["technologies"] = new[] { "物联网" },
            ["ownerDepartment"] = "区科委", ["budgetMinWan"] = 10, ["budgetMaxWan"] = 50, ["closesAt"] = DateTimeOffset.UtcNow.AddDays(30),
        };
        foreach (var (k, v) in change) body[k] = v;
        return body;
    }

    [PostgresFact]
    public async Task OversizeInputs_ToEveryBoundedEndpoint_Get400Or422_WithTheFieldNamed()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("输入边界：逐个端点检验"));
        var firm = await TestData.FirmAsync(app);
        var member = await app.SignedInClientAsync((await TestData.MemberAsync(app, firm)).Email, TestData.Password);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var admin = await app.SignedInClientAsync((await app.Get<UserStore>().EnsureAsync($"admin{Guid.NewGuid():N}@gov.test", "管理员",
            TestData.Password, Roles.Admin, null, null, default)).Email, TestData.Password);
        var reviewer = await app.SignedInClientAsync((await app.Get<UserStore>().EnsureAsync($"reviewer{Guid.NewGuid():N}@expert.test", "专家",
            TestData.Password, Roles.Reviewer, null, null, default)).Email, TestData.Password);
        var anyone = app.CreateClient();
        var id = scenario.Id;
        var random = Guid.NewGuid();
        var q = Uri.EscapeDataString(Long(201));

        var cases = new (HttpClient Client, HttpMethod Method, string Url, object? Body, string Field)[]
        {
            (anyone, HttpMethod.Get, $"/api/v1/scenarios?q={q}", null, "q"),
            (anyone, HttpMethod.Get, $"/api/v1/scenarios?technology={Uri.EscapeDataString(Long(61))}", null, "technology"),
            (anyone, HttpMethod.Get, $"/api/v1/scenarios?domain={Uri.EscapeDataString(Long(61))}", null, "domain"),
            (anyone, HttpMethod.Get, "/api/v1/scenarios?pageSize=1000", null, "pageSize"),
            (anyone, HttpMethod.Get, $"/api/v1/capabilities?q={q}", null, "q"),
            (anyone, HttpMethod.Get, $"/api/v1/capabilities?qualification={Uri.EscapeDataString(Long(61))}", null, "qualification"),
            (anyone, HttpMethod.Get, "/api/v1/capabilities?pageSize=101", null, "pageSize"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["title"] = Long(10_000) }), "title"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["domain"] = Long(61) }), "domain"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["location"] = Long(61) }), "location"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["technologies"] = Many(10_000) }), "technologies"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["technologies"] = new[] { Long(41) } }), "technologies"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["allowedRegions"] = Many(1_000, "通州区") }), "allowedRegions"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["requiredQualifications"] = Many(21) }), "requiredQualifications"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["rubric"] = Enumerable.Range(0, 500).Select(i => new { name = $"指标{i}", weight = 1 }).ToArray() }), "rubric"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["milestoneTemplate"] = Enumerable.Range(1, 500).Select(i => new { title = $"阶段{i}", offsetDays = i, trancheWan = 1, final = false }).ToArray() }), "milestoneTemplate"),
            (officer, HttpMethod.Post, "/api/v1/scenarios", Scenario(new() { ["rubric"] = new[] { new { name = (string?)null, weight = 1 } } }), "rubric"),
            (member, HttpMethod.Post, "/api/v1/scenarios/proposals", Scenario(new() { ["requiredQualifications"] = Many(1_000) }), "requiredQualifications"),
            (officer, HttpMethod.Post, $"/api/v1/scenarios/{id}/reject", new { reason = Long(2001) }, "reason"),
            (member, HttpMethod.Post, $"/api/v1/scenarios/{id}/applications", new { approach = Long(20_001), quotedBudgetWan = 10 }, "approach"),
            (member, HttpMethod.Post, $"/api/v1/scenarios/{id}/applications", new { approach = "够长的技术方案文字", quotedBudgetWan = 10, team = Long(5001) }, "team"),
            (member, HttpMethod.Post, $"/api/v1/scenarios/{id}/applications", new { approach = "够长的技术方案文字", quotedBudgetWan = 10, consortiumMembers = Many(5_000, "9111") }, "consortiumMembers"),
            (officer, HttpMethod.Put, $"/api/v1/scenarios/{id}/terms", new { budgetMaxWan = 50, requiredQualifications = Many(21), changeNote = "调整资质要求" }, "requiredQualifications"),
            (officer, HttpMethod.Put, $"/api/v1/scenarios/{id}/terms", new { budgetMaxWan = 50, changeNote = Long(1001) }, "changeNote"),
            (member, HttpMethod.Post, $"/api/v1/scenarios/{id}/questions", new { question = Long(2001) }, "question"),
            (officer, HttpMethod.Post, $"/api/v1/scenarios/questions/{random}/answer", new { answer = Long(5001) }, "answer"),
            (officer, HttpMethod.Post, $"/api/v1/scenarios/{id}/decision", new { winners = Enumerable.Range(0, 11).Select(_ => Guid.NewGuid()).ToArray(), reason = "足够长的决定理由文字" }, "winners"),
            (officer, HttpMethod.Post, $"/api/v1/scenarios/{id}/decision", new { winners = new[] { random }, reason = Long(2001) }, "reason"),
            (anyone, HttpMethod.Post, $"/api/v1/scenarios/{id}/objections", new { name = "王女士", email = "a@example.test", content = Long(5001) }, "content"),
            (anyone, HttpMethod.Post, $"/api/v1/scenarios/{id}/objections", new { name = Long(61), email = "a@example.test", content = "足够长的异议内容文字" }, "name"),
            (anyone, HttpMethod.Post, $"/api/v1/scenarios/{id}/objections", new { name = "王女士", email = Long(255) + "@example.test", content = "足够长的异议内容文字" }, "email"),
            (officer, HttpMethod.Post, $"/api/v1/objections/{random}/answer", new { answer = Long(5001), upheld = false }, "answer"),
            (member, HttpMethod.Post, $"/api/v1/milestones/{random}/evidence", new { evidence = Long(5001) }, "evidence"),
            (officer, HttpMethod.Post, $"/api/v1/milestones/{random}/verdict", new { verdict = "continue", note = Long(2001) }, "note"),
            (officer, HttpMethod.Post, $"/api/v1/milestones/{random}/verdict", new { verdict = Long(21), note = "说明" }, "verdict"),
            (admin, HttpMethod.Put, "/api/v1/calendar/2026-12-01", new { working = false, name = Long(41) }, "name"),
            (reviewer, HttpMethod.Post, $"/api/v1/reviews/{random}/conflict", new { reason = Long(2001) }, "reason"),
            (reviewer, HttpMethod.Post, $"/api/v1/reviews/{random}/scores", new { scores = Enumerable.Range(0, 11).Select(i => new { criterion = $"指标{i}", score = 80 }).ToArray() }, "scores"),
        };

        var failures = new List<string>();
        foreach (var (client, method, url, body, field) in cases)
        {
            using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
            var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var label = $"{method} {url[..Math.Min(url.Length, 60)]} ({field})";
            if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity))
            {
                failures.Add($"{label} → {(int)response.StatusCode}");
                continue;
            }
            var errors = JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var e) ? e : default;
            // The field itself, or one of its items (rubric[0].name).
            if (errors.ValueKind != JsonValueKind.Object || !errors.EnumerateObject().Any(p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase)
                    || p.Name.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase) || p.Name.StartsWith("$." + field, StringComparison.OrdinalIgnoreCase)))
                failures.Add($"{label} → {(int)response.StatusCode} without an error for the field: {text[..Math.Min(text.Length, 300)]}");
        }
        Assert.Empty(failures);
        Assert.True(cases.Length >= 35);
    }

    [PostgresFact]
    public async Task OversizeInputs_ToForms_ShowTheFormOrPageWithTheMessage()
    {
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var form = await MarketplaceApp.PostFormAsync(officer, "/officer/scenarios/new", "/officer/scenarios/new",
            new Dictionary<string, string> { ["Title"] = Long(121), ["Domain"] = Long(61), ["Category"] = "smart-city" });
        Assert.Equal(HttpStatusCode.OK, form.StatusCode); // the form again, not a redirect to a saved scenario
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("标题不能超过 120 个字", html);
        Assert.Contains("所属领域不能超过 60 个字", html);

        var hall = await app.CreateClient().GetAsync($"/scenarios?q={Uri.EscapeDataString(Long(201))}");
        Assert.Equal(HttpStatusCode.BadRequest, hall.StatusCode);
        Assert.Contains("不能超过 200 个字", await hall.Content.ReadAsStringAsync());
        var capabilities = await app.CreateClient().GetAsync($"/capabilities?region={Uri.EscapeDataString(Long(61))}");
        Assert.Equal(HttpStatusCode.BadRequest, capabilities.StatusCode);
        Assert.Contains("不能超过 60 个字", await capabilities.Content.ReadAsStringAsync());
    }
}

/// <summary>The body limit: a JSON or form body over <c>Limits:MaxRequestBodyBytes</c> is refused with 413, not read.</summary>
public sealed class RequestBodyLimitTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task BodiesOverTheLimit_Get413_ForTheApiAndForForms()
    {
        var client = app.CreateClient();
        var big = "{\"name\":\"王女士\",\"email\":\"a@example.test\",\"content\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        var api = await client.PostAsync($"/api/v1/scenarios/{Guid.NewGuid()}/objections", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, api.StatusCode);
        Assert.Contains("application/problem+json", api.Content.Headers.ContentType?.ToString());

        var form = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = new string('x', 2 * 1024 * 1024) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, form.StatusCode);

        // Under the limit the same endpoint answers as usual (here: not in publicity, or unknown).
        var small = await client.PostAsJsonAsync($"/api/v1/scenarios/{Guid.NewGuid()}/objections", new { name = "王女士", email = "a@example.test", content = "一条普通长度的异议内容。" });
        Assert.Equal(HttpStatusCode.NotFound, small.StatusCode);
    }
}
