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
/// the host to rebuild it from the database. While running, the files of the last commit are watched
/// (<see cref="FindDamage"/>) and any failure that means lost or damaged files is reported to <c>onDamage</c> and
/// answered with <see cref="SearchUnavailableException"/>, so the host rebuilds the index instead of failing requests.
/// </summary>
internal sealed class LuceneIndex : IDisposable
{
    private readonly string? _folder;
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Action<string> _onDamage;
    private readonly object _commitLock = new();
    private IReadOnlyList<CommittedFile> _committed = [];
    private volatile bool _retired;

    private sealed record CommittedFile(string Name, long Length, DateTime WrittenUtc);

    public bool WasReset { get; }

    private static long s_opened;
    private readonly long _instance = Interlocked.Increment(ref s_opened);

    /// <summary>This index's current reader: a new one after every commit, distinct across rebuilds of the folder.</summary>
    public string ReaderVersion => $"{_instance}.{Search(s => s.IndexReader is DirectoryReader d ? d.Version : 0)}";

    /// <summary>Bumped whenever documents gain or change fields (2: audience and suspension fields).</summary>
    internal const string SchemaVersion = "4"; // 3: last award of firms, eligibility terms of scenarios; 4: id order for ties
    private const string SchemaKey = "marketplace.schema";

    private sealed class Bm25SearcherFactory(Similarity similarity) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new TermCachingSearcher(reader, similarity);
    }

    /// <summary>Background merges report a failure (files gone under them) as damage instead of crashing the process.</summary>
    private sealed class ReportingMergeScheduler(Action<string> onDamage) : ConcurrentMergeScheduler
    {
        protected override void HandleMergeException(Exception exc) => onDamage("merge failed: " + exc.Message);
    }

    /// <param name="wipe">Start from an empty folder whatever it holds (a rebuild after damage).</param>
    public LuceneIndex(string? folder, Analyzer analyzer, Similarity similarity, Action<string>? onDamage = null, bool wipe = false)
    {
        _folder = folder;
        _onDamage = onDamage ?? (_ => { });
        if (folder is null)
        {
            _directory = new RAMDirectory();
            _writer = OpenWriter(_directory, analyzer, similarity);
        }
        else
        {
            if (wipe && System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
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
        lock (_commitLock) CommitLocked(refresh: false);
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory(similarity));
    }

    private IndexWriter OpenWriter(LuceneDirectory directory, Analyzer analyzer, Similarity similarity, OpenMode mode = OpenMode.CREATE_OR_APPEND) =>
        new(directory, new IndexWriterConfig(ChineseAnalysis.Version, analyzer)
        {
            OpenMode = mode,
            Similarity = similarity,
            RAMBufferSizeMB = 64,
            MergeScheduler = new ReportingMergeScheduler(reason => _onDamage(reason)),
        });

    /// <summary>Changes documents and commits them (searchers see them at once).</summary>
    public void Write(Action<IndexWriter> write)
    {
        ThrowIfRetired();
        try
        {
            lock (_commitLock)
            {
                write(_writer);
                CommitLocked(refresh: true);
            }
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw Damaged(e);
        }
    }

    /// <summary>
    /// Waits for the merges a large write set off, then commits and searches their result. After a full reindex the
    /// background merges otherwise compete with the first queries for the cores and leave them more segments to walk
    /// (the benchmark's p99 over 100,000 firms was 40 ms right after a reindex, 13 ms once merges had finished).
    /// </summary>
    public void Settle()
    {
        ThrowIfRetired();
        try
        {
            lock (_commitLock)
            {
                _writer.WaitForMerges();
                CommitLocked(refresh: true);
            }
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw Damaged(e);
        }
    }

    private void CommitLocked(bool refresh)
    {
        _writer.SetCommitData(new Dictionary<string, string> { [SchemaKey] = SchemaVersion });
        _writer.Commit();
        if (refresh) _searchers.MaybeRefreshBlocking();
        if (_folder is null) return;
        // What the commit consists of on disk: Lucene files are written once, so any later change to one of them —
        // gone, another length, written again — is damage.
        var infos = new SegmentInfos();
        infos.Read(_directory);
        _committed = infos.GetFiles(_directory, true)
            .Select(name => new FileInfo(Path.Combine(_folder, name)))
            .Select(f => new CommittedFile(f.Name, f.Length, f.LastWriteTimeUtc))
            .ToList();
    }

    public T Search<T>(Func<IndexSearcher, T> search)
    {
        ThrowIfRetired();
        try
        {
            var searcher = _searchers.Acquire();
            try { return search(searcher); }
            finally { _searchers.Release(searcher); }
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw Damaged(e);
        }
    }

    /// <summary>
    /// Whether the files of the last commit are still as written: a description of the first that is missing or changed,
    /// or null. Cheap (file metadata only), so the host can ask every few seconds. Skipped while a commit is running.
    /// </summary>
    public string? FindDamage()
    {
        if (_folder is null || _retired) return null;
        if (!Monitor.TryEnter(_commitLock)) return null;
        try
        {
            foreach (var expected in _committed)
            {
                var file = new FileInfo(Path.Combine(_folder, expected.Name));
                if (!file.Exists) return $"{_folder}: {expected.Name} is missing";
                if (file.Length != expected.Length || file.LastWriteTimeUtc != expected.WrittenUtc)
                    return $"{_folder}: {expected.Name} was changed after it was committed";
            }
            return null;
        }
        finally
        {
            Monitor.Exit(_commitLock);
        }
    }

    /// <summary>Files lost or unreadable under us (not a bug in a query): the index must be rebuilt.</summary>
    private bool IsDamage(Exception e) => e is IOException or ObjectDisposedException || _retired;

    private SearchUnavailableException Damaged(Exception e)
    {
        if (_retired) return new SearchUnavailableException("The search index is being rebuilt.", e);
        _onDamage($"{_folder ?? "memory"}: {e.GetType().Name}: {e.Message}");
        return new SearchUnavailableException("The search index is damaged and is being rebuilt from the database.", e);
    }

    private void ThrowIfRetired()
    {
        if (_retired) throw new SearchUnavailableException("The search index is being rebuilt.");
    }

    /// <summary>Closes a damaged index without committing anything more (its files may be gone); searches on it fail as unavailable.</summary>
    public void Retire()
    {
        _retired = true;
        try { _searchers.Dispose(); } catch (Exception) { /* closing a damaged index: nothing to save */ }
        try { _writer.Rollback(); } catch (Exception) { /* idem */ }
        try { _directory.Dispose(); } catch (Exception) { /* idem */ }
    }

    public void Dispose()
    {
        if (_retired) return;
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
    }
}
