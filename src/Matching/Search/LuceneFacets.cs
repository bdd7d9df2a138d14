using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Marketplace.Matching.Search;

/// <summary>
/// Facet counts from sorted-set doc values (Lucene.Net.Facet is not available to us): a collector that counts the
/// values of some fields over every matching document, segment by segment. It runs in the same pass as the collector
/// of the top hits (<see cref="MultiCollector"/>), so a search costs one walk of the postings, not one per purpose.
/// </summary>
internal static class LuceneFacets
{
    public const string Prefix = "facet_";

    public static void Add(Document doc, string facet, string value)
    {
        if (!string.IsNullOrEmpty(value)) doc.Add(new SortedSetDocValuesField(Prefix + facet, new BytesRef(value)));
    }

    internal sealed class Counter(IReadOnlyList<string> facets) : ICollector
    {
        private readonly Dictionary<string, Dictionary<string, int>> _totals = facets.ToDictionary(f => f, _ => new Dictionary<string, int>());
        private readonly List<(string Facet, SortedSetDocValues Values, int[] Counts)> _segment = [];

        public bool AcceptsDocsOutOfOrder => true;
        public void SetScorer(Scorer scorer) { }

        public void SetNextReader(AtomicReaderContext context)
        {
            Flush();
            foreach (var facet in facets)
            {
                var values = context.AtomicReader.GetSortedSetDocValues(Prefix + facet);
                if (values is not null) _segment.Add((facet, values, new int[values.ValueCount]));
            }
        }

        public void Collect(int doc)
        {
            foreach (var (_, values, counts) in _segment)
            {
                values.SetDocument(doc);
                long ord;
                while ((ord = values.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS) counts[ord]++;
            }
        }

        /// <summary>The counts per facet, most frequent first (ties by value), at most <paramref name="top"/> each.</summary>
        public Dictionary<string, IReadOnlyList<FacetCount>> Result(int top = 30)
        {
            Flush();
            return _totals.ToDictionary(
                kv => kv.Key,
                kv => (IReadOnlyList<FacetCount>)kv.Value.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal)
                    .Take(top).Select(x => new FacetCount(x.Key, x.Value)).ToList());
        }

        /// <summary>Ordinals are per segment: turn the finished segment's counts into values.</summary>
        private void Flush()
        {
            var scratch = new BytesRef();
            foreach (var (facet, values, counts) in _segment)
            {
                var totals = _totals[facet];
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
