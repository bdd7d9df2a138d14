using System.Collections.Concurrent;
using Lucene.Net.Index;

namespace Marketplace.Matching.Search;

/// <summary>
/// Answers of visitor searches (the hall, the capability list, the home page), kept for the index generation they
/// were computed on. The key is everything the answer depends on — the query, its filters and page, and the audience
/// terms of the viewer (never the viewer's identity, and never left out: a staff answer and a visitor's answer have
/// different keys). A commit opens a new reader, and the first search on it starts an empty generation, so a newly
/// published or withdrawn scenario is seen by the next search (read-your-writes holds). An answer that depends on
/// the clock (open scenarios only) also carries the first moment it could change: the next deadline in the index.
/// </summary>
/// <param name="capacity">Answers kept per generation (the oldest are dropped all at once when full); 0 keeps none.</param>
internal sealed class SearchResultCache<T>(int capacity) where T : class
{
    private sealed class Generation(IndexReader reader)
    {
        public readonly IndexReader Reader = reader;
        public readonly long Version = VersionOf(reader);
        public readonly ConcurrentDictionary<string, (T Value, long ValidUntil)> Entries = new(StringComparer.Ordinal);
    }

    private Generation? _current;

    /// <param name="now">Unix seconds, from the engine's clock.</param>
    /// <param name="compute">The answer and the first unix second at which it may no longer hold (long.MaxValue: none).</param>
    public T GetOrAdd(IndexReader reader, string key, long now, Func<(T Value, long ValidUntil)> compute)
    {
        if (capacity <= 0) return compute().Value;
        var generation = GenerationFor(reader);
        if (generation is not null && generation.Entries.TryGetValue(key, out var cached) && now < cached.ValidUntil) return cached.Value;
        var fresh = compute();
        if (generation is null) return fresh.Value; // a reader older than the newest one seen: answer, keep nothing
        if (generation.Entries.Count >= capacity) generation.Entries.Clear();
        generation.Entries[key] = fresh;
        return fresh.Value;
    }

    private Generation? GenerationFor(IndexReader reader)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && ReferenceEquals(current.Reader, reader)) return current;
        if (current is not null && VersionOf(reader) < current.Version) return null;
        var fresh = new Generation(reader);
        var won = Interlocked.CompareExchange(ref _current, fresh, current);
        return ReferenceEquals(won, current) ? fresh : ReferenceEquals(won?.Reader, reader) ? won : null;
    }

    private static long VersionOf(IndexReader reader) => reader is DirectoryReader d ? d.Version : 0;
}
