using Npgsql;

namespace Marketplace.BuildingBlocks.Outbox;

public sealed record OutboxMessage(Guid Id, string Type, string DedupeKey, string Payload, int Attempts);

/// <summary>Acts on one kind of outbox message, inside the worker's transaction (so follow-up messages commit with it).</summary>
public interface IOutboxHandler
{
    string Type { get; }
    Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}

/// <summary>Wakes the worker right after a commit that enqueued something, instead of waiting for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try { _semaphore.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);
}
