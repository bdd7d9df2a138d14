using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace Marketplace.Matching.Search;

/// <summary>
/// A searcher over one reader generation that remembers what every query looks up again: where each term sits in
/// each segment (a <see cref="TermContext"/>) and each field's collection statistics. Lucene builds both anew for
/// every TermQuery of every search — for each term and segment a fresh terms enumerator walking the block tree — and
/// that lookup was most of a visitor search's time and nearly all of its allocation (about 750 KB for one word over 58
/// scenarios). A reader never changes, so neither do these; a commit brings a new reader and with it a new searcher.
/// Term contexts are only read after they are built, which Lucene allows from several threads.
/// </summary>
internal sealed class TermCachingSearcher : IndexSearcher
{
    private const int MaxTerms = 16_384;
    private readonly ConcurrentDictionary<Term, TermContext> _terms = new();
    private readonly ConcurrentDictionary<string, CollectionStatistics> _fields = new(StringComparer.Ordinal);

    public TermCachingSearcher(IndexReader reader, Similarity similarity) : base(reader) => Similarity = similarity;

    public override CollectionStatistics CollectionStatistics(string field) =>
        _fields.TryGetValue(field, out var cached) ? cached : _fields.GetOrAdd(field, base.CollectionStatistics(field));

    /// <summary>Every plain term query of the tree gets the remembered context of its term before Lucene rewrites it.</summary>
    public override Query Rewrite(Query original) => base.Rewrite(WithKnownTerms(original));

    private Query WithKnownTerms(Query query)
    {
        switch (query)
        {
            case TermQuery term:
                return new TermQuery(term.Term, ContextOf(term.Term)) { Boost = term.Boost };
            case BooleanQuery boolean:
                var copy = new BooleanQuery(boolean.CoordDisabled) { MinimumNumberShouldMatch = boolean.MinimumNumberShouldMatch, Boost = boolean.Boost };
                foreach (var clause in boolean.Clauses) copy.Add(WithKnownTerms(clause.Query), clause.Occur);
                return copy;
            case FilteredQuery filtered:
                return new FilteredQuery(WithKnownTerms(filtered.Query), filtered.Filter, filtered.Strategy) { Boost = filtered.Boost };
            case ConstantScoreQuery { Query: { } inner } constant:
                return new ConstantScoreQuery(WithKnownTerms(inner)) { Boost = constant.Boost };
            default:
                return query; // multi-term queries (fuzzy, prefix, ranges) build their own, rarer, contexts
        }
    }

    /// <summary>How many documents hold the term (over all segments), from its remembered context.</summary>
    public int DocFreq(Term term) => ContextOf(term).DocFreq;

    private TermContext ContextOf(Term term)
    {
        if (_terms.TryGetValue(term, out var known)) return known;
        if (_terms.Count >= MaxTerms) _terms.Clear();
        return _terms.GetOrAdd(term, TermContext.Build(TopReaderContext, term));
    }
}

/// <summary>
/// The stored fields of documents shown in lists, kept per segment. Lucene compresses stored fields in blocks of about
/// 16 KB, so reading one scenario card decompresses its neighbours' long descriptions too: twenty cards cost most of
/// an unfiltered hall page (p50 20 ms over the demo scenarios). A segment's documents never change; the cache goes
/// with the segment's core and is bounded per segment.
/// </summary>
internal sealed class StoredDocumentCache(ISet<string>? fields, int maxPerSegment)
{
    private readonly ConditionalWeakTable<object, ConcurrentDictionary<int, Document>> _segments = new();

    public Document Get(IndexSearcher searcher, int doc)
    {
        var leaves = searcher.IndexReader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var local = doc - leaf.DocBase;
        var documents = _segments.GetValue(leaf.AtomicReader.CoreCacheKey, _ => new ConcurrentDictionary<int, Document>());
        if (documents.TryGetValue(local, out var known)) return known;
        var loaded = fields is null ? leaf.AtomicReader.Document(local) : leaf.AtomicReader.Document(local, fields);
        if (documents.Count >= maxPerSegment) documents.Clear();
        documents[local] = loaded;
        return loaded;
    }
}
