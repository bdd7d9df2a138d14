using System.Net;
using System.Text.Json;
using Marketplace.Flows.Indexing;
using Marketplace.IntegrationTests.Support;
using Marketplace.Matching;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Microsoft.AspNetCore.Hosting;
using Xunit.Abstractions;

namespace Marketplace.IntegrationTests.Faults;

/// <summary>The app with its Lucene index on disk and the guard checking the index files every 200 ms.</summary>
public sealed class DiskIndexMarketplaceApp : MarketplaceApp
{
    public string IndexFolder { get; } = Path.Combine(Path.GetTempPath(), "mkt-index-" + Guid.NewGuid().ToString("N")[..8]);

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Matching:IndexPath", IndexFolder);
        builder.UseSetting("Matching:IndexCheckInterval", "00:00:00.200");
    }

    protected override Task AfterDisposeAsync()
    {
        if (Directory.Exists(IndexFolder)) Directory.Delete(IndexFolder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The on-disk index deleted or damaged while the site runs: the guard notices, rebuilds it from the database, searches
/// answer 503 meanwhile (never 500, never a wrong list), and then give the same results as before.
/// </summary>
public sealed class SearchIndexDamageTests(DiskIndexMarketplaceApp app, ITestOutputHelper output) : IClassFixture<DiskIndexMarketplaceApp>
{
    private async Task<(List<HttpStatusCode> Statuses, string Scenarios, string Firms)> SearchAsync(HttpClient client)
    {
        var statuses = new List<HttpStatusCode>();
        string Ids(string json, string list) => string.Join(",", JsonDocument.Parse(json).RootElement.GetProperty(list).EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        var scenarios = await client.GetAsync("/api/v1/scenarios?q=" + Uri.EscapeDataString("智能停车"));
        var firms = await client.GetAsync("/api/v1/capabilities?q=" + Uri.EscapeDataString("物联网"));
        var page = await client.GetAsync("/scenarios?q=" + Uri.EscapeDataString("智能停车"));
        statuses.AddRange([scenarios.StatusCode, firms.StatusCode, page.StatusCode]);
        if (page.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Assert.Contains("搜索暂时不可用", await page.Content.ReadAsStringAsync());
            Assert.Equal("5", page.Headers.RetryAfter?.ToString());
        }
        return (statuses,
            scenarios.IsSuccessStatusCode ? Ids(await scenarios.Content.ReadAsStringAsync(), "items") : "",
            firms.IsSuccessStatusCode ? Ids(await firms.Content.ReadAsStringAsync(), "hits") : "");
    }

    private async Task DamageAndRecoverAsync(string what, Action damage)
    {
        var client = app.CreateClient();
        var before = await SearchAsync(client);
        Assert.NotEqual("", before.Scenarios);
        Assert.NotEqual("", before.Firms);
        var guard = app.Get<SearchIndexGuard>();
        var rebuilds = guard.Rebuilds;

        damage();
        var statuses = new List<HttpStatusCode>();
        var started = DateTime.UtcNow;
        (List<HttpStatusCode> Statuses, string Scenarios, string Firms) now;
        do
        {
            now = await SearchAsync(client);
            statuses.AddRange(now.Statuses);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), $"no rebuild after {what}");
            await Task.Delay(20);
        } while (guard.Rebuilds == rebuilds || now.Statuses.Any(s => s != HttpStatusCode.OK));

        output.WriteLine($"{what}: rebuilt and answering again after {(DateTime.UtcNow - started).TotalMilliseconds:0} ms; " +
                         $"{statuses.Count(s => s == HttpStatusCode.ServiceUnavailable)} of {statuses.Count} searches answered 503 meanwhile");
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.Equal((before.Scenarios, before.Firms), (now.Scenarios, now.Firms));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.IndexFolder, "scenarios"), "segments_*")); // rebuilt on disk
    }

    private async Task SeedAsync()
    {
        if ((await app.Get<ISearchEngine>().CountAsync(default)).Scenarios > 0) return;
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("智能停车诱导与泊位共享"));
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("路内智能停车收费管理"));
        await TestData.FirmAsync(app, "北京停车物联科技有限公司", technologies: ["物联网"]);
        await TestData.FirmAsync(app, "北京智感物联网技术有限公司", technologies: ["物联网", "边缘计算"]);
        await app.Get<SearchIndexer>().RebuildAsync(default);
    }

    [PostgresFact]
    public async Task IndexFolderDeletedWhileRunning_IsRebuiltFromTheDatabase_AndSearchesGiveTheSameResults()
    {
        await SeedAsync();
        await DamageAndRecoverAsync("index folder deleted", () => Directory.Delete(app.IndexFolder, recursive: true));
    }

    [PostgresFact]
    public async Task IndexFilesCorruptedWhileRunning_AreRebuiltFromTheDatabase_AndSearchesGiveTheSameResults()
    {
        await SeedAsync();
        await DamageAndRecoverAsync("index files overwritten with garbage", () =>
        {
            foreach (var file in Directory.GetFiles(app.IndexFolder, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("write.lock")))
            {
                var length = new FileInfo(file).Length;
                File.WriteAllBytes(file, Enumerable.Repeat((byte)0x5A, (int)Math.Max(length, 1)).ToArray());
            }
        });
    }
}

/// <summary>The engine itself: what it does between the damage, the reset and the rebuild (no host, no timing).</summary>
public sealed class LuceneDamageTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mkt-damage-" + Guid.NewGuid().ToString("N")[..8]);

    private static ScenarioDocument Scenario(string title) => new(Guid.NewGuid(), "SC-" + title.Length, title, "路内停车。", "描述", "smart-city",
        "智慧交通", "通州", ["物联网"], "published", DateTimeOffset.UtcNow.AddDays(1), [], 0, []);

    [Fact]
    public async Task DeletedFiles_AreFound_SearchesSayUnavailableUntilTheRebuild_ThenAnswerAsBefore()
    {
        using var engine = new LuceneSearchEngine(_folder, Thesaurus.Load(), TimeProvider.System, new MatchingOptions().Retrieval);
        var documents = new[] { Scenario("智慧停车管理"), Scenario("停车诱导屏") };
        await engine.ReplaceAllAsync(documents, [], default);
        var before = (await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Hits.Select(h => h.Id).ToList();
        Assert.Null(engine.CheckFiles());

        Directory.Delete(Path.Combine(_folder, "scenarios"), recursive: true);
        Assert.Contains("missing", engine.CheckFiles());

        engine.Reset();
        await Assert.ThrowsAsync<SearchUnavailableException>(() => engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default));
        await Assert.ThrowsAsync<SearchUnavailableException>(() => engine.CountAsync(default));
        await engine.ReplaceAllAsync(documents, [], default);
        engine.RebuildCompleted();

        Assert.Equal(before, (await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Hits.Select(h => h.Id).ToList());
        Assert.Null(engine.CheckFiles());
    }

    [Fact]
    public async Task AFileRewrittenInPlace_IsFound()
    {
        using var engine = new LuceneSearchEngine(_folder, Thesaurus.Load(), TimeProvider.System);
        await engine.ReplaceAllAsync([Scenario("智慧停车管理")], [], default);
        var file = Directory.GetFiles(Path.Combine(_folder, "scenarios"), "segments_*").Single();
        await Task.Delay(20); // a later modification time than the commit's
        File.WriteAllBytes(file, File.ReadAllBytes(file).Select(b => (byte)~b).ToArray());
        Assert.Contains("changed", engine.CheckFiles());
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
