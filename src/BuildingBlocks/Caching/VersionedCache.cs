using System.Collections.Concurrent;

namespace Marketplace.BuildingBlocks.Caching;

/// <summary>
/// Answers kept under a key and the version of the data they were computed from (see
/// <see cref="Data.DataVersion"/>): an answer is reused only while the version is the same, so it is never
/// staler than its data. Concurrent requests for the same key and version share one computation (64 officers opening
/// the dashboard at once compute it once); a failed computation is not kept, so the next request tries again.
/// <para>
/// Where a caller allows it (<c>staleWhileRefreshing</c>), an answer that takes long to compute is not recomputed by
/// every version a busy database passes through: while one computation runs, other requests get the last answer
/// computed, if it is younger than the limit, instead of waiting or starting another. The request that starts a
/// computation always waits for it, so whoever asks after a change on a quiet site sees the change.
/// </para>
/// </summary>
/// <param name="capacity">Keys kept; when full, every entry is dropped at once (keys are few: one per page variant).</param>
public sealed class VersionedCache<T>(int capacity)
{
    private sealed class Entry(string version, Task<T> answer, Entry? previous)
    {
        public readonly string Version = version;
        public readonly Task<T> Answer = answer;
        /// <summary>The last good answer before this one, while this one is being computed; null once it is done.</summary>
        public Entry? Previous = previous;
        public long CompletedAt;

        public Entry? LastGood => Answer.IsCompletedSuccessfully ? this : Volatile.Read(ref Previous);
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = TimeProvider.System;

    public VersionedCache(int capacity, TimeProvider clock) : this(capacity) => _clock = clock;

    /// <param name="compute">Runs detached from any one request (a request that gives up does not cancel the others' answer).</param>
    /// <param name="staleWhileRefreshing">How old an answer may be served while a newer one is being computed; null: never.</param>
    public Task<T> GetOrAddAsync(string key, string version, Func<CancellationToken, Task<T>> compute, CancellationToken ct,
        TimeSpan? staleWhileRefreshing = null)
    {
        if (capacity <= 0) return compute(ct);
        _entries.TryGetValue(key, out var entry);
        if (entry is not null && entry.Version == version && (entry.Answer.IsCompleted || staleWhileRefreshing is null)) return entry.Answer.WaitAsync(ct);
        if (TryStale(entry, staleWhileRefreshing, out var stale)) return Task.FromResult(stale);
        if (entry is not null && entry.Version == version) return entry.Answer.WaitAsync(ct);

        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fresh = new Entry(version, answer.Task, entry?.LastGood);
        if (_entries.Count >= capacity && !_entries.ContainsKey(key)) _entries.Clear();
        var kept = _entries.AddOrUpdate(key, fresh, (_, current) => current.Version == version ? current : fresh);
        if (ReferenceEquals(kept, fresh)) _ = FillAsync(key, fresh, answer, compute);
        else if (TryStale(kept, staleWhileRefreshing, out var raced)) return Task.FromResult(raced);
        return kept.Answer.WaitAsync(ct);
    }

    /// <summary>The number of keys held (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    /// <summary>The last good answer, when a computation is running and that answer is young enough to serve meanwhile.</summary>
    private bool TryStale(Entry? entry, TimeSpan? limit, out T value)
    {
        if (limit is { } l && entry is { Answer.IsCompleted: false, LastGood: { } good } && _clock.GetElapsedTime(good.CompletedAt) <= l)
        {
            value = good.Answer.Result;
            return true;
        }
        value = default!;
        return false;
    }

    private async Task FillAsync(string key, Entry entry, TaskCompletionSource<T> answer, Func<CancellationToken, Task<T>> compute)
    {
        try
        {
            var value = await compute(CancellationToken.None);
            entry.CompletedAt = _clock.GetTimestamp();
            Volatile.Write(ref entry.Previous, null); // only the newest good answer is kept
            answer.SetResult(value);
        }
        catch (Exception e)
        {
            // Only this entry goes (a newer one under the key stays); the last good answer, if any, is kept in its place.
            if (entry.Previous is { } previous) _entries.TryUpdate(key, previous, entry);
            else _entries.TryRemove(KeyValuePair.Create(key, entry));
            answer.SetException(e);
        }
    }
}
