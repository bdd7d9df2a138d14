using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Marketplace.IntegrationTests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Marketplace.IntegrationTests.Faults;

/// <summary>The app on a PostgreSQL cluster of its own, which a test may stop and start again.</summary>
public sealed class PrivatePostgresApp : MarketplaceApp
{
    public PrivatePostgres Postgres { get; private set; } = null!;

    protected override async Task<string> AdminConnectionStringAsync()
    {
        Postgres = await PrivatePostgres.StartAsync();
        return Postgres.AdminConnectionString;
    }

    protected override async Task AfterDisposeAsync() => await Postgres.DisposeAsync();
}

/// <summary>
/// The real PostgreSQL server restarted (fast shutdown, a gap of seconds, start) while readers and writers keep
/// coming: during the gap every request answers 503 with Retry-After (the friendly page in HTML), never 500; afterwards
/// the app serves again by itself; and every write it acknowledged, before or after, is in the database.
/// </summary>
public sealed class PostgresRestartTests(PrivatePostgresApp app, ITestOutputHelper output) : IClassFixture<PrivatePostgresApp>
{
    private sealed record Outcome(string Kind, HttpStatusCode Status, string? RetryAfter, string Body, DateTime At);

    [PostgresFact]
    public async Task RestartUnderTraffic_Answers503DuringTheGap_RecoversAlone_AndLosesNoAcknowledgedWrite()
    {
        var run = "重启演练" + Guid.NewGuid().ToString("N")[..6];
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand($"{run} 已发布场景"));
        var officer = await TestData.OfficerAsync(app);
        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);
        var acknowledged = new ConcurrentBag<Guid>();
        var ackedAt = new ConcurrentDictionary<Guid, DateTime>();
        var attempted = 0;
        var outcomes = new ConcurrentQueue<Outcome>();

        async Task<Outcome> Record(string kind, Func<Task<HttpResponseMessage>> send)
        {
            using var response = await send();
            var outcome = new Outcome(kind, response.StatusCode, response.Headers.RetryAfter?.ToString(),
                await response.Content.ReadAsStringAsync(), DateTime.UtcNow);
            outcomes.Enqueue(outcome);
            return outcome;
        }
        async Task Write(int n)
        {
            Interlocked.Increment(ref attempted);
            var created = await Record("write", () => client.PostAsJsonAsync("/api/v1/scenarios", TestData.ScenarioCommand($"{run} 草稿 {n}")));
            if (created.Status == HttpStatusCode.Created)
            {
                var id = System.Text.Json.JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetGuid();
                acknowledged.Add(id);
                ackedAt[id] = created.At;
            }
        }

        for (var i = 0; i < 10; i++) await Write(i); // committed before the restart
        using var stop = new CancellationTokenSource();
        var counter = 10;
        var traffic = new List<Task>
        {
            Loop(() => Record("api", () => client.GetAsync($"/api/v1/scenarios/{scenario.Id}"))),
            Loop(() => Record("html", () => client.GetAsync($"/scenarios/{scenario.Id}"))),
            Loop(() => Record("html-list", () => app.CreateClient().GetAsync("/account/login"))),
            Loop(() => Write(Interlocked.Increment(ref counter))),
            Loop(() => Write(Interlocked.Increment(ref counter))),
        };
        async Task Loop(Func<Task> request)
        {
            while (!stop.IsCancellationRequested)
            {
                await request();
                await Task.Delay(20);
            }
        }

        await Task.Delay(1000);
        var stopping = DateTime.UtcNow;
        await app.Postgres.StopAsync();
        await Task.Delay(3000); // the gap: nothing listens on the port
        await app.Postgres.StartAgainAsync();
        var started = DateTime.UtcNow;
        // Recovered when every kind of request has succeeded again since the server came back.
        var recovery = Stopwatch.StartNew();
        while (recovery.Elapsed < TimeSpan.FromSeconds(30) &&
               !new[] { "api", "html", "write" }.All(k => outcomes.Any(o => o.Kind == k && o.At > started && (int)o.Status < 300)))
            await Task.Delay(50);
        var recoveredAfter = recovery.Elapsed;
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(traffic);

        var all = outcomes.ToList();
        var during = all.Where(o => o.At >= stopping).ToList();
        output.WriteLine($"{all.Count} requests; {during.Count(o => o.Status == HttpStatusCode.ServiceUnavailable)} answered 503 around the restart; " +
                         $"all kinds served again {recoveredAfter.TotalMilliseconds:0} ms after the server was back; {acknowledged.Count} of {attempted} writes acknowledged");
        Assert.All(all, o => Assert.Contains(o.Status, new[] { HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(during, o => o.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(all.Where(o => o.Status == HttpStatusCode.ServiceUnavailable), o => Assert.Equal("5", o.RetryAfter));
        Assert.Contains(during, o => o.Kind == "html" && o.Status == HttpStatusCode.ServiceUnavailable && o.Body.Contains("服务暂时不可用"));
        Assert.True(recoveredAfter < TimeSpan.FromSeconds(30), "the app did not serve again within 30 s of the restart");

        // Nothing acknowledged is lost: every 201 is a row, and no row appeared that was never asked for.
        NpgsqlConnection.ClearAllPools(); // the test's own pooled connections died with the server
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        var stored = (await conn.QueryAsync<Guid>("select id from scenarios.scenarios where title like @p", new { p = run + " 草稿%" })).ToHashSet();
        var missing = acknowledged.Where(id => !stored.Contains(id)).ToList();
        var anywhere = missing.Count == 0 ? [] : (await conn.QueryAsync<string>("select title from scenarios.scenarios where id = any(@missing)", new { missing })).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes missing ({string.Join(", ", missing.Take(5))}); found elsewhere: {string.Join(" | ", anywhere)}; " +
            $"stop {stopping:HH:mm:ss.fff} start {started:HH:mm:ss.fff}; acknowledged at {string.Join(", ", missing.Select(m => ackedAt[m].ToString("HH:mm:ss.fff")))}\n" +
            string.Join("\n", app.Postgres.ServerLog.Split('\n').TakeLast(60)));
        Assert.InRange(stored.Count, acknowledged.Count, attempted);
        output.WriteLine($"rows: {stored.Count} stored, {acknowledged.Count} acknowledged, 0 lost");

        // Background work recovered too: the outbox worker indexes a scenario published after the restart.
        // (Called directly, not over HTTP: a pooled connection the restart killed fails once, as a request would with 503.)
        Marketplace.Scenarios.Listings.Scenario after;
        try
        {
            after = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand($"{run} 重启后发布"));
        }
        catch (Exception e) when (Marketplace.BuildingBlocks.Data.DatabaseAvailability.IsUnavailable(e))
        {
            after = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand($"{run} 重启后发布 2"));
        }
        var found = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/scenarios?q={Uri.EscapeDataString(run + " 重启后发布")}");
        Assert.Contains(after.Id.ToString(), found.ToString());
    }
}
