using Marketplace.Matching;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;

namespace Marketplace.IntegrationTests.Search;

/// <summary>The on-disk index is derived data: a damaged folder is wiped and reported, never fatal.</summary>
public sealed class IndexRecoveryTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-index-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task CorruptIndexFolder_IsResetAndUsable()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "scenarios"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "scenarios", "segments_2"), "not a lucene file");

        using var engine = new LuceneSearchEngine(_folder, Thesaurus.Load(), TimeProvider.System, new MatchingOptions().Retrieval);
        await engine.UpsertScenariosAsync([new ScenarioDocument(Guid.NewGuid(), "SC-1", "智慧停车管理", "路内停车。", "描述", "smart-city",
            "智慧交通", "通州", ["物联网"], "published", DateTimeOffset.UtcNow.AddDays(1), [], 0, [])], default);

        Assert.True(engine.WasReset);
        Assert.Single((await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车"), default)).Hits);
    }

    [Fact]
    public async Task IndexOnDisk_SurvivesARestart()
    {
        using (var first = new LuceneSearchEngine(_folder, Thesaurus.Load(), TimeProvider.System))
            await first.UpsertEnterprisesAsync([new EnterpriseDocument(Guid.NewGuid(), "智联", "数字经济", "通州区", [], 100, 10, [], "d", [], [], 0)], default);

        using var second = new LuceneSearchEngine(_folder, Thesaurus.Load(), TimeProvider.System);
        Assert.False(second.WasReset);
        Assert.Equal((0, 1), await second.CountAsync(default));
    }

    [Fact]
    public async Task AnIndexWrittenWithAnOlderSchema_IsResetSoTheHostRebuildsIt()
    {
        // A plain Lucene index with documents but without this code's schema stamp, as an older version left it.
        var folder = Path.Combine(_folder, "enterprises");
        Directory.CreateDirectory(folder);
        using (var dir = Lucene.Net.Store.FSDirectory.Open(folder))
        using (var writer = new Lucene.Net.Index.IndexWriter(dir, new Lucene.Net.Index.IndexWriterConfig(ChineseAnalysis.Version, ChineseAnalysis.Bigrams)))
        {
            writer.AddDocument([new Lucene.Net.Documents.StringField("id", Guid.NewGuid().ToString(), Lucene.Net.Documents.Field.Store.YES)]);
            writer.Commit();
        }

        using var engine = new LuceneSearchEngine(_folder, Thesaurus.Load(), TimeProvider.System);
        Assert.True(engine.WasReset);
        Assert.Equal((0, 0), await engine.CountAsync(default));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
