using System.Collections.Concurrent;

namespace Marketplace.BuildingBlocks.Caching;

/// <summary>
/// Answers kept under a key and the version of the data they were computed from (see
/// <see cref="Data.DataVersion"/>): an answer is reused only while the version is the same, so it is never
/// staler than its data. Concurrent requests for the same key and version share one computation (64 officers opening
/// the dashboard at once compute it once); a failed computation is not kept, so the next request tries again.
/// </summary>
/// <param name="capacity">Keys kept; when full, every entry is dropped at once (keys are few: one per page variant).</param>
public sealed class VersionedCache<T>(int capacity)
{
    private sealed class Entry(string version, Task<T> answer)
    {
        public readonly string Version = version;
        public readonly Task<T> Answer = answer;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <param name="compute">Runs detached from any one request (a request that gives up does not cancel the others' answer).</param>
    public Task<T> GetOrAddAsync(string key, string version, Func<CancellationToken, Task<T>> compute, CancellationToken ct)
    {
        if (capacity <= 0) return compute(ct);
        if (_entries.TryGetValue(key, out var entry) && entry.Version == version) return entry.Answer.WaitAsync(ct);
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fresh = new Entry(version, answer.Task);
        if (_entries.Count >= capacity && !_entries.ContainsKey(key)) _entries.Clear();
        var kept = _entries.AddOrUpdate(key, fresh, (_, current) => current.Version == version ? current : fresh);
        if (ReferenceEquals(kept, fresh)) _ = FillAsync(key, fresh, answer, compute);
        return kept.Answer.WaitAsync(ct);
    }

    /// <summary>The number of keys held (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    private async Task FillAsync(string key, Entry entry, TaskCompletionSource<T> answer, Func<CancellationToken, Task<T>> compute)
    {
        try { answer.SetResult(await compute(CancellationToken.None)); }
        catch (Exception e)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry)); // only this entry: a newer one under the key stays
            answer.SetException(e);
        }
    }
}
