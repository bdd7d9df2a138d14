using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Marketplace.IntegrationTests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Marketplace.IntegrationTests.Faults;

/// <summary>
/// The documented procedure end to end: the demo data plus some process history, <c>infra/backup</c>, <c>infra/restore</c>
/// into a new database (which verifies the audit chain against the head in the manifest), the real host started on the
/// restored database (rebuilding its index on start): every table holds the same rows and the same searches give the
/// same results in the same order.
/// </summary>
public sealed class BackupRestoreTests(SeededMarketplaceApp app, ITestOutputHelper output) : IClassFixture<SeededMarketplaceApp>
{
    private static readonly string[] Queries = ["停车", "垃圾分类", "虚拟电厂", "大运河 文旅", "智慧医疗"];
    private static readonly string[] Tables =
        ["scenarios.scenarios", "scenarios.applications", "enterprises.enterprises", "accounts.users", "audit.entries", "outbox.messages"];

    private static string Url(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
    }

    private static async Task<List<string>> SearchAsync(HttpClient client)
    {
        var results = new List<string>();
        foreach (var q in Queries)
        {
            var scenarios = await client.GetStringAsync("/api/v1/scenarios?pageSize=20&q=" + Uri.EscapeDataString(q));
            var firms = await client.GetStringAsync("/api/v1/capabilities?pageSize=20&q=" + Uri.EscapeDataString(q));
            results.Add(q + ": " + string.Join(",", JsonDocument.Parse(scenarios).RootElement.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("id").GetString())));
            results.Add(q + ": " + string.Join(",", JsonDocument.Parse(firms).RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString())));
        }
        return results;
    }

    private static async Task<Dictionary<string, long>> CountAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables) counts[table] = await conn.ExecuteScalarAsync<long>($"select count(*) from {table}");
        return counts;
    }

    [PostgresFact]
    public async Task BackupThenRestoreIntoANewDatabase_SameRows_SameSearchResults_AuditChainVerifies()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("备份演练：智能停车诱导"));
        var member = await app.SignedInClientAsync((await TestData.MemberAsync(app, await TestData.FirmAsync(app))).Email, TestData.Password);
        (await member.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", TestData.Proposal("以地磁与视频结合的泊位检测实现停车诱导，三个月内完成全部路段的设备安装、联调和平台对接，并提供一年运维。", 150)))
            .EnsureSuccessStatusCode();
        await app.DrainOutboxAsync();
        var work = Path.Combine(Path.GetTempPath(), "mkt-backup-" + Guid.NewGuid().ToString("N")[..8]);
        var dump = Path.Combine(work, "marketplace.dump");
        var restored = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = "mkt_restored_" + Guid.NewGuid().ToString("N")[..10] }.ConnectionString;
        try
        {
            var (code, backup) = await Repository.RunAsync("bash", ["infra/backup", dump], new Dictionary<string, string?> { ["MARKETPLACE_DB_URL"] = Url(app.ConnectionString) });
            output.WriteLine(backup);
            Assert.True(code == 0, backup);
            Assert.Matches(@"audit_head=\d+:[0-9a-f]{64}", await File.ReadAllTextAsync(dump + ".manifest"));

            (code, var restore) = await Repository.RunAsync("bash", ["infra/restore", dump, Url(restored)]);
            output.WriteLine(restore);
            Assert.True(code == 0, restore);
            Assert.Contains("chain intact", restore);

            Assert.Equal(await CountAsync(app.ConnectionString), await CountAsync(restored));
            var before = await SearchAsync(app.CreateClient());
            Assert.Contains(before, r => r.Split(": ")[1].Length > 0);
            await using var web = await WebProcess.StartAsync(WebProcess.Environment(restored));
            var after = await SearchAsync(new HttpClient { BaseAddress = new Uri(web.Url) });
            Assert.Equal(before, after);

            // Restoring over an existing database is refused: a restore never mixes into live data.
            (code, var again) = await Repository.RunAsync("bash", ["infra/restore", dump, Url(restored)]);
            Assert.NotEqual(0, code);
            Assert.Contains("already exists", again);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestServers.RequireAdminConnectionString());
            await admin.ExecuteAsync($"drop database if exists {new NpgsqlConnectionStringBuilder(restored).Database} with (force)");
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }
}
