using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Marketplace.Accounts.Api;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>Idempotency-Key on the API's POSTs: a repeat is answered from the first answer and runs nothing.</summary>
public sealed class IdempotencyTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.ExecuteScalarAsync<long>(sql, args);
    }

    private static HttpRequestMessage Post(string path, string? key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.TryAddWithoutValidation(IdempotencyKeys.HeaderName, key);
        return request;
    }

    private static string Question(string text) => JsonSerializer.Serialize(new QuestionDto(text), JsonSerializerOptions.Web);

    private Task<long> QuestionsAsync(Guid scenario) => CountAsync("select count(*) from scenarios.questions where scenario_id = @scenario", new { scenario });

    [PostgresFact]
    public async Task ARepeatWithTheSameKey_ReplaysTheFirstAnswer_AndRunsOnce()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("幂等：重复提问只记一次"));
        var (_, _, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var path = $"/api/v1/scenarios/{scenario.Id}/questions";
        var body = Question("满溢检测设备是否需要接入区级平台？");

        var first = await bearer.SendAsync(Post(path, "q-0001", body));
        var second = await bearer.SendAsync(Post(path, "q-0001", body));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Content.Headers.ContentType?.ToString(), second.Content.Headers.ContentType?.ToString());
        Assert.False(first.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal("true", second.Headers.GetValues(Idempotency.ReplayedHeader).Single());
        Assert.Equal(1, await QuestionsAsync(scenario.Id));
        Assert.Equal(1, await CountAsync("select count(*) from audit.entries where action = 'question.asked' and entity_id = @id", new { id = scenario.Id.ToString() }));

        // Keys belong to their account: another firm's same key is a different key.
        var (_, _, other) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        Assert.False((await other.SendAsync(Post(path, "q-0001", body))).Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal(2, await QuestionsAsync(scenario.Id));
    }

    [PostgresFact]
    public async Task AReplayedWithdrawalAndCreation_KeepTheirStatusAndLocation_AndActOnce()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("幂等：撤回与起草"));
        var (member, session, _) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        Assert.True((await session.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", TestData.Proposal("完整的技术方案：智能投放设备、督导平台与收运联动，用于撤回测试。", 60))).IsSuccessStatusCode);

        // A cookie session with its CSRF header uses keys the same way.
        var withdraw = $"/api/v1/scenarios/{scenario.Id}/applications/withdraw";
        var first = await session.SendAsync(Post(withdraw, "withdraw-1", ""));
        var again = await session.SendAsync(Post(withdraw, "withdraw-1", ""));
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.True(again.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal(1, await CountAsync("select count(*) from audit.entries where action = 'application.withdrawn' and actor_id = @id", new { id = member.Id }));
        // Without the key the same call runs again, and the use case finds nothing left to withdraw.
        Assert.Equal(HttpStatusCode.NotFound, (await session.PostAsync(withdraw, null)).StatusCode);

        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var draft = JsonSerializer.Serialize(TestData.ScenarioCommand("幂等：脚本起草只生成一个场景"), JsonSerializerOptions.Web);
        var created = await officer.SendAsync(Post("/api/v1/scenarios", "draft-7", draft));
        var replayed = await officer.SendAsync(Post("/api/v1/scenarios", "draft-7", draft));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.Equal(created.Headers.Location, replayed.Headers.Location);
        Assert.Equal(await created.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());
        Assert.Equal(1, await CountAsync("select count(*) from scenarios.scenarios where title = '幂等：脚本起草只生成一个场景'"));
    }

    [PostgresFact]
    public async Task TheSameKeyForADifferentRequest_Is422_AndRunsNothing()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("幂等：同键不同请求"));
        var (_, _, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var path = $"/api/v1/scenarios/{scenario.Id}/questions";
        Assert.Equal(HttpStatusCode.OK, (await bearer.SendAsync(Post(path, "same-key", Question("第一个问题：设备供电方式？")))).StatusCode);

        var reused = await bearer.SendAsync(Post(path, "same-key", Question("第二个问题：验收标准是什么？")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        var problem = await reused.ReadAsync<JsonElement>();
        Assert.Equal("idempotency_key_reused", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(IdempotencyKeys.HeaderName, out _));
        // Another path with the same body is another request too.
        var other = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("幂等：同键另一场景"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await bearer.SendAsync(Post($"/api/v1/scenarios/{other.Id}/questions", "same-key", Question("第一个问题：设备供电方式？")))).StatusCode);
        Assert.Equal(1, await QuestionsAsync(scenario.Id));
        Assert.Equal(0, await QuestionsAsync(other.Id));
    }

    [PostgresFact]
    public async Task AnInvalidKey_Is400_WithAFieldMessage_AndWithoutAKey_EveryPostRuns()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("幂等：键的格式"));
        var (_, _, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var path = $"/api/v1/scenarios/{scenario.Id}/questions";
        var body = Question("这个问题会被问两次吗？");

        // (Empty keys never leave HttpClient; the unit tests cover them.)
        foreach (var bad in new[] { new string('k', 256), "tab\tinside" })
        {
            var response = await bearer.SendAsync(Post(path, bad, body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.ReadAsync<JsonElement>();
            Assert.Equal("idempotency_key_invalid", problem.GetProperty("code").GetString());
            Assert.Contains("1–255", problem.GetProperty("errors").GetProperty(IdempotencyKeys.HeaderName)[0].GetString());
        }
        Assert.Equal(0, await QuestionsAsync(scenario.Id));

        Assert.Equal(HttpStatusCode.OK, (await bearer.SendAsync(Post(path, new string('k', 255), body))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.SendAsync(Post(path, null, body))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.SendAsync(Post(path, null, body))).StatusCode);
        Assert.Equal(3, await QuestionsAsync(scenario.Id));
    }

    [PostgresFact]
    public async Task ARepeatWhileTheFirstIsInFlight_Is409()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("幂等：处理中重复"));
        var (member, _, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var path = $"/api/v1/scenarios/{scenario.Id}/questions";
        var body = Question("处理中的请求会被重复执行吗？");
        // The first request holds the key exactly as the middleware does while the action runs.
        var hash = await IdempotencyKeys.RequestHashAsync("POST", path, new MemoryStream(Encoding.UTF8.GetBytes(body)), default);
        var keys = app.Get<IdempotencyKeys>();
        Assert.IsType<IdempotencyClaim.Run>(await keys.ClaimAsync(member.Id, "slow-1", hash, default));

        var duplicate = await bearer.SendAsync(Post(path, "slow-1", body));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("idempotency_request_in_flight", (await duplicate.ReadAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0, await QuestionsAsync(scenario.Id));

        // A first run that failed on the server's side releases its key: the retry runs.
        await keys.ReleaseAsync(member.Id, "slow-1", default);
        Assert.Equal(HttpStatusCode.OK, (await bearer.SendAsync(Post(path, "slow-1", body))).StatusCode);
        Assert.Equal(1, await QuestionsAsync(scenario.Id));
    }

    [PostgresFact]
    public async Task AKey_ExpiresAfterADay_AndIsThenFreeForANewRequest()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("幂等：一天后过期"));
        var (member, _, bearer) = await ApiTokenPages.FirmMemberWithTokenAsync(app);
        var path = $"/api/v1/scenarios/{scenario.Id}/questions";
        Assert.Equal(HttpStatusCode.OK, (await bearer.SendAsync(Post(path, "daily", Question("今天的问题：设备保修期多久？")))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await bearer.SendAsync(Post(path, "daily", Question("另一个问题：能否分期付款？")))).StatusCode);

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await bearer.SendAsync(Post(path, "daily", Question("另一个问题：能否分期付款？")))).StatusCode);
        Assert.Equal(2, await QuestionsAsync(scenario.Id));

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        Assert.True(await app.Get<IdempotencyKeys>().PurgeExpiredAsync(default) >= 1);
        Assert.Equal(0, await CountAsync("select count(*) from accounts.idempotency_keys where user_id = @id", new { id = member.Id }));
    }
}
