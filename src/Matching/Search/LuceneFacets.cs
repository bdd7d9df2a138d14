using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Marketplace.Matching.Search;

/// <summary>
/// Facet counts from sorted-set doc values (Lucene.Net.Facet is not available to us): a collector that counts the
/// values of some fields over every matching document, segment by segment.
/// </summary>
internal static class LuceneFacets
{
    public const string Prefix = "facet_";

    public static void Add(Document doc, string facet, string value)
    {
        if (!string.IsNullOrEmpty(value)) doc.Add(new SortedSetDocValuesField(Prefix + facet, new BytesRef(value)));
    }

    public static Dictionary<string, IReadOnlyList<FacetCount>> Count(IndexSearcher searcher, Query query, IReadOnlyList<string> facets, int top = 30)
    {
        var collector = new Collector(facets);
        searcher.Search(query, collector);
        collector.Flush();
        return collector.Totals.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<FacetCount>)kv.Value.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal)
                .Take(top).Select(x => new FacetCount(x.Key, x.Value)).ToList());
    }

    private sealed class Collector(IReadOnlyList<string> facets) : ICollector
    {
        public Dictionary<string, Dictionary<string, int>> Totals { get; } = facets.ToDictionary(f => f, _ => new Dictionary<string, int>());
        private readonly Dictionary<string, (SortedSetDocValues Values, int[] Counts)> _segment = new();

        public bool AcceptsDocsOutOfOrder => true;
        public void SetScorer(Scorer scorer) { }

        public void SetNextReader(AtomicReaderContext context)
        {
            Flush();
            foreach (var facet in facets)
            {
                var values = context.AtomicReader.GetSortedSetDocValues(Prefix + facet);
                if (values is not null) _segment[facet] = (values, new int[values.ValueCount]);
            }
        }

        public void Collect(int doc)
        {
            foreach (var (values, counts) in _segment.Values)
            {
                values.SetDocument(doc);
                long ord;
                while ((ord = values.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS) counts[ord]++;
            }
        }

        /// <summary>Ordinals are per segment: turn the finished segment's counts into values.</summary>
        public void Flush()
        {
            var scratch = new BytesRef();
            foreach (var (facet, (values, counts)) in _segment)
            {
                var totals = Totals[facet];
                for (var ord = 0; ord < counts.Length; ord++)
                {
                    if (counts[ord] == 0) continue;
                    values.LookupOrd(ord, scratch);
                    var key = scratch.Utf8ToString();
                    totals[key] = totals.GetValueOrDefault(key) + counts[ord];
                }
            }
            _segment.Clear();
        }
    }
}
