using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Marketplace.Matching.Text;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Marketplace.Matching.Search;

/// <summary>
/// One Lucene index: a single writer for its folder and a searcher manager refreshed after every commit.
/// A folder that cannot be opened (corrupt, wrong format) is wiped and recreated; <see cref="WasReset"/> tells
/// the host to rebuild it from the database.
/// </summary>
internal sealed class LuceneIndex : IDisposable
{
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;

    public bool WasReset { get; }

    /// <summary>Bumped whenever documents gain or change fields (2: audience and suspension fields).</summary>
    internal const string SchemaVersion = "3"; // 3: last award of firms, eligibility terms of scenarios
    private const string SchemaKey = "marketplace.schema";

    private sealed class Bm25SearcherFactory(Similarity similarity) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new TermCachingSearcher(reader, similarity);
    }

    private readonly Similarity _similarity;

    public LuceneIndex(string? folder, Analyzer analyzer, Similarity similarity)
    {
        _similarity = similarity;
        if (folder is null)
        {
            _directory = new RAMDirectory();
            _writer = OpenWriter(_directory, analyzer, similarity);
        }
        else
        {
            System.IO.Directory.CreateDirectory(folder);
            _directory = FSDirectory.Open(new DirectoryInfo(folder));
            try
            {
                if (DirectoryReader.IndexExists(_directory))
                {
                    // Opening a reader walks the segments and fails on a damaged index, before we trust it.
                    using var probe = DirectoryReader.Open(_directory);
                    // An index written with other fields (an older version of this code) is rebuilt, not half-trusted.
                    if (!probe.IndexCommit.UserData.TryGetValue(SchemaKey, out var schema) || schema != SchemaVersion)
                        throw new IndexFormatTooOldException("schema " + (schema ?? "none"), SchemaVersion);
                }
                _writer = OpenWriter(_directory, analyzer, similarity);
            }
            catch (Exception e) when (e is IOException or CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException)
            {
                _directory.Dispose();
                System.IO.Directory.Delete(folder, recursive: true);
                System.IO.Directory.CreateDirectory(folder);
                _directory = FSDirectory.Open(new DirectoryInfo(folder));
                _writer = OpenWriter(_directory, analyzer, similarity, OpenMode.CREATE);
                WasReset = true;
            }
        }
        Commit(refresh: false);
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory(similarity));
    }

    private static IndexWriter OpenWriter(LuceneDirectory directory, Analyzer analyzer, Similarity similarity, OpenMode mode = OpenMode.CREATE_OR_APPEND) =>
        new(directory, new IndexWriterConfig(ChineseAnalysis.Version, analyzer)
        {
            OpenMode = mode,
            Similarity = similarity,
            RAMBufferSizeMB = 64,
        });

    public IndexWriter Writer => _writer;

    public void Commit() => Commit(refresh: true);

    private void Commit(bool refresh)
    {
        _writer.SetCommitData(new Dictionary<string, string> { [SchemaKey] = SchemaVersion });
        _writer.Commit();
        if (refresh) _searchers.MaybeRefreshBlocking();
    }

    public T Search<T>(Func<IndexSearcher, T> search)
    {
        var searcher = _searchers.Acquire();
        try { return search(searcher); }
        finally { _searchers.Release(searcher); }
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
    }
}
