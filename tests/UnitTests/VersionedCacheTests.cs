using Marketplace.BuildingBlocks.Caching;

namespace Marketplace.UnitTests;

/// <summary>Answers kept per key and data version: reused only under the same version, computed once for concurrent askers.</summary>
public sealed class VersionedCacheTests
{
    private int _computed;

    private Func<CancellationToken, Task<string>> Compute(string answer) => _ =>
    {
        Interlocked.Increment(ref _computed);
        return Task.FromResult(answer);
    };

    [Fact]
    public async Task SameVersion_IsAnsweredFromTheCache_AndANewVersionIsComputedAgain()
    {
        var cache = new VersionedCache<string>(capacity: 4);
        Assert.Equal("a", await cache.GetOrAddAsync("k", "v1", Compute("a"), default));
        Assert.Equal("a", await cache.GetOrAddAsync("k", "v1", Compute("b"), default));
        Assert.Equal(1, _computed);
        Assert.Equal("b", await cache.GetOrAddAsync("k", "v2", Compute("b"), default));
        Assert.Equal("b", await cache.GetOrAddAsync("k", "v2", Compute("c"), default));
        Assert.Equal(2, _computed);
        Assert.Equal("c", await cache.GetOrAddAsync("other", "v2", Compute("c"), default)); // keys are kept apart
    }

    [Fact]
    public async Task ConcurrentAskers_OfOneKeyAndVersion_ShareOneComputation()
    {
        var cache = new VersionedCache<string>(capacity: 4);
        var release = new TaskCompletionSource();
        var slow = async (CancellationToken _) => { Interlocked.Increment(ref _computed); await release.Task; return "answer"; };
        var askers = Enumerable.Range(0, 32).Select(_ => cache.GetOrAddAsync("dashboard", "v1", slow, default)).ToList();
        release.SetResult();
        Assert.All(await Task.WhenAll(askers), a => Assert.Equal("answer", a));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task AFailedComputation_IsNotKept_SoTheNextAskerComputesAgain()
    {
        var cache = new VersionedCache<string>(capacity: 4);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetOrAddAsync("k", "v1", _ => Task.FromException<string>(new InvalidOperationException("database gone")), default));
        Assert.Equal("again", await cache.GetOrAddAsync("k", "v1", Compute("again"), default));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task AnAskerWhoGivesUp_DoesNotCancelTheAnswerForTheOthers()
    {
        var cache = new VersionedCache<string>(capacity: 4);
        var release = new TaskCompletionSource();
        var slow = async (CancellationToken ct) => { await release.Task; ct.ThrowIfCancellationRequested(); return "answer"; };
        using var impatient = new CancellationTokenSource();
        var first = cache.GetOrAddAsync("k", "v1", slow, impatient.Token);
        var second = cache.GetOrAddAsync("k", "v1", slow, default);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        release.SetResult();
        Assert.Equal("answer", await second);
    }

    [Fact]
    public async Task WhenFull_OldKeysAreDropped_AndCapacityZeroKeepsNothing()
    {
        var cache = new VersionedCache<string>(capacity: 2);
        foreach (var key in new[] { "a", "b", "c" }) await cache.GetOrAddAsync(key, "v", Compute(key), default);
        Assert.True(cache.Count <= 2);
        var none = new VersionedCache<string>(capacity: 0);
        await none.GetOrAddAsync("k", "v", Compute("x"), default);
        await none.GetOrAddAsync("k", "v", Compute("x"), default);
        Assert.Equal(0, none.Count);
        Assert.Equal(5, _computed);
    }

    [Fact]
    public async Task WhileANewerAnswerIsComputed_OthersGetTheLastOne_AndWhoStartedItWaitsForIt()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var cache = new VersionedCache<string>(capacity: 4, clock);
        var limit = TimeSpan.FromSeconds(30);
        Assert.Equal("old", await cache.GetOrAddAsync("k", "v1", Compute("old"), default, limit));

        var release = new TaskCompletionSource<string>();
        var starter = cache.GetOrAddAsync("k", "v2", _ => release.Task, default, limit);
        Assert.False(starter.IsCompleted);
        // Others asking meanwhile, under that version or a still newer one, are answered at once and start nothing.
        Assert.Equal("old", await cache.GetOrAddAsync("k", "v2", Compute("x"), default, limit));
        Assert.Equal("old", await cache.GetOrAddAsync("k", "v3", Compute("x"), default, limit));
        Assert.Equal(1, _computed);

        release.SetResult("new");
        Assert.Equal("new", await starter);
        Assert.Equal("new", await cache.GetOrAddAsync("k", "v2", Compute("x"), default, limit));
        Assert.Equal(1, _computed);
    }

    [Fact]
    public async Task AnswersOlderThanTheLimit_OrCallersThatAllowNone_WaitForTheNewOne()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var cache = new VersionedCache<string>(capacity: 4, clock);
        await cache.GetOrAddAsync("k", "v1", Compute("old"), default, TimeSpan.FromSeconds(30));
        var release = new TaskCompletionSource<string>();
        var starter = cache.GetOrAddAsync("k", "v2", _ => release.Task, default, TimeSpan.FromSeconds(30));

        var strict = cache.GetOrAddAsync("k", "v2", Compute("x"), default);
        Assert.False(strict.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(31));
        var late = cache.GetOrAddAsync("k", "v2", Compute("x"), default, TimeSpan.FromSeconds(30));
        Assert.False(late.IsCompleted);

        release.SetResult("new");
        Assert.Equal(["new", "new", "new"], await Task.WhenAll(starter, strict, late));
    }

    [Fact]
    public async Task AFailedRefresh_KeepsTheLastGoodAnswerForOthers_AndTheNextAskerTriesAgain()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var cache = new VersionedCache<string>(capacity: 4, clock);
        var limit = TimeSpan.FromSeconds(30);
        await cache.GetOrAddAsync("k", "v1", Compute("old"), default, limit);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetOrAddAsync("k", "v2", _ => Task.FromException<string>(new InvalidOperationException()), default, limit));
        Assert.Equal("again", await cache.GetOrAddAsync("k", "v2", Compute("again"), default, limit));
    }
}
