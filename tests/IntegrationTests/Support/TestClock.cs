namespace Marketplace.IntegrationTests.Support;

/// <summary>
/// The application's clock in integration tests: it runs with real time (the outbox worker's retries, sign-in cookies
/// and timers keep working) but a test moves it forward to pass a deadline or a period instead of waiting for it.
/// A frozen <c>FakeTimeProvider</c> is used where nothing else runs (unit tests); here the host's background workers
/// need time to go on.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "Time only moves forward.");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    /// <summary>Moves the clock just past <paramref name="moment"/>, or not at all if it has passed.</summary>
    public void Pass(DateTimeOffset moment)
    {
        var gap = moment - GetUtcNow() + TimeSpan.FromMilliseconds(50);
        if (gap > TimeSpan.Zero) Advance(gap);
    }
}
