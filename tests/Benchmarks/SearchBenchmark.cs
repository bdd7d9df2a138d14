using System.Diagnostics;
using Marketplace.Flows.Indexing;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Marketplace.Web.Demo;

namespace Marketplace.Benchmarks;

/// <summary>
/// Visitor search in-process (no HTTP): the scenario hall and the capability list over the demo scenarios and N
/// synthetic firms on an on-disk Lucene index, written the way the site writes it (scenarios one commit each, so the
/// index has the segments a running site has). Prints time and allocation per search with the answer cache off (every
/// search computed) and on (the hall's repeated searches).
/// </summary>
internal static class SearchBenchmark
{
    private static readonly string[] Words = ["充电桩", "物联网", "智慧交通", "停车", "垃圾分类", "数字孪生", "养老", "BIM", "河道 监测", "文旅"];

    public static async Task RunAsync(int firms)
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-search-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var scenarios = DemoData.Scenarios(DateTimeOffset.UtcNow).Select(SearchIndexer.ToDocument).ToList();
            var enterprises = DemoData.Enterprises(firms).Select(f => SearchIndexer.ToDocument(f, [], null)).ToList();
            foreach (var cache in new[] { 0, 1024 })
            {
                using var engine = new LuceneSearchEngine(Path.Combine(folder, cache.ToString()), Thesaurus.Load(), TimeProvider.System, searchCacheEntries: cache);
                await engine.UpsertEnterprisesAsync(enterprises, default);
                foreach (var s in scenarios) await engine.UpsertScenariosAsync([s], default);
                var label = cache == 0 ? "cache off" : "cache on ";
                await Measure($"{label} · hall, no text", () => engine.SearchScenariosAsync(new ScenarioSearchQuery(null), default));
                await Measure($"{label} · hall, 充电桩", () => engine.SearchScenariosAsync(new ScenarioSearchQuery("充电桩"), default));
                var i = 0;
                await Measure($"{label} · hall, 10 words + facets", () => engine.SearchScenariosAsync(
                    new ScenarioSearchQuery(Words[i++ % Words.Length], Category: i % 3 == 0 ? "smart-city" : null, Audience: ScenarioAudience.ForViewer("北三县·三河市")), default));
                await Measure($"{label} · home (open only)", () => engine.SearchScenariosAsync(new ScenarioSearchQuery(null, OpenOnly: true, PageSize: 6), default));
                await Measure($"{label} · capabilities, 物联网", () => engine.SearchEnterprisesAsync(new EnterpriseSearchQuery("物联网"), default));
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task Measure<T>(string what, Func<Task<T>> search)
    {
        for (var i = 0; i < 50; i++) await search(); // warm-up: JIT, caches
        const int n = 500;
        var times = new List<double>(n);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            var t = Stopwatch.StartNew();
            await search();
            times.Add(t.Elapsed.TotalMilliseconds);
        }
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / n;
        times.Sort();
        Console.WriteLine($"{what,-44} p50 {Stats.Percentile(times, 50),7:0.000} ms  p99 {Stats.Percentile(times, 99),7:0.000} ms  {allocated / 1024.0,8:0.0} KB/search");
    }
}
