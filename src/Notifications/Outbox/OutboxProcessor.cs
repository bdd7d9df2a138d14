using System.Diagnostics;
using Marketplace.BuildingBlocks.Diagnostics;
using Marketplace.BuildingBlocks.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Notifications.Outbox;

/// <summary>
/// Claims due messages with <c>FOR UPDATE SKIP LOCKED</c> (so several nodes never take the same row), hands each to
/// its handler under a savepoint, and records success, a retry with exponential backoff and jitter, or dead-letter.
/// </summary>
public sealed class OutboxProcessor(
    NpgsqlDataSource db,
    IEnumerable<IOutboxHandler> handlers,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxProcessor> logger)
{
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.ToDictionary(h => h.Type);

    /// <summary>Processes one batch; returns how many messages it took.</summary>
    public async Task<int> ProcessBatchAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var batch = await OutboxStore.ClaimAsync(conn, tx, now, o.BatchSize, ct);
        foreach (var message in batch)
        {
            // One span per message: its handler's SQL and the emails it writes show up under it in a trace.
            using var activity = Telemetry.Source.StartActivity("outbox " + message.Type, ActivityKind.Consumer);
            activity?.SetTag("messaging.system", "outbox");
            activity?.SetTag("messaging.message.id", message.Id.ToString());
            activity?.SetTag("marketplace.outbox.attempt", message.Attempts + 1);
            await tx.SaveAsync("message", ct);
            try
            {
                if (!_handlers.TryGetValue(message.Type, out var handler))
                    throw new InvalidOperationException($"No handler for outbox message type '{message.Type}'.");
                await handler.HandleAsync(message, conn, tx, ct);
                await OutboxStore.CompleteAsync(conn, tx, message.Id, clock.GetUtcNow(), ct);
                await tx.ReleaseAsync("message", ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                await tx.RollbackAsync("message", ct);
                activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                var attempts = message.Attempts + 1;
                var dead = attempts >= o.MaxAttempts;
                logger.LogWarning(e, "Outbox message {Type} {Id} failed (attempt {Attempts}{Dead})",
                    message.Type, message.Id, attempts, dead ? ", dead-lettered" : "");
                await OutboxStore.FailAsync(conn, tx, message.Id, attempts, dead, Truncate(e.GetType().Name + ": " + e.Message, 2000),
                    clock.GetUtcNow() + RetryDelay(attempts, o), ct);
            }
        }
        await tx.CommitAsync(ct);
        return batch.Count;
    }

    /// <summary>Exponential backoff from the first delay, capped, with ±20 % jitter so failed rows do not retry in lockstep.</summary>
    internal static TimeSpan RetryDelay(int attempts, OutboxOptions o)
    {
        var exponential = o.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempts - 1));
        var capped = Math.Min(exponential, o.MaxRetryDelay.TotalMilliseconds);
        var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(capped * jitter);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>Runs the processor until the host stops: drains while there is work, then waits for a signal or the poll interval.</summary>
public sealed class OutboxWorker(OutboxProcessor processor, OutboxSignal signal, IOptions<OutboxOptions> options, ILogger<OutboxWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            int processed;
            try
            {
                processed = await processor.ProcessBatchAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be restarting; keep the worker alive and try again after the poll interval.
                logger.LogError(e, "Outbox batch failed");
                processed = 0;
            }
            if (processed == 0)
            {
                try { await signal.WaitAsync(options.Value.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
