using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.BuildingBlocks.Diagnostics;
using Marketplace.BuildingBlocks.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Notifications.Outbox;

/// <summary>
/// Claims due messages with <c>FOR UPDATE SKIP LOCKED</c> under a lease (so several nodes never take the same row), then
/// handles each in a transaction of its own — its handler's writes, and its outcome: success, a retry with exponential
/// backoff and jitter, or dead-letter. A worker killed mid-batch therefore leaves every message it finished recorded as
/// done; only those in flight at that instant (one per lane, <see cref="OutboxOptions.Lanes"/>) are ambiguous and sent
/// again when their lease ends (with the same Message-ID).
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
        // The lease's end names this claim, so it must survive PostgreSQL's microsecond precision unchanged.
        var leaseUntil = now + o.Lease;
        leaseUntil = new DateTimeOffset(leaseUntil.UtcTicks - leaseUntil.UtcTicks % 10, TimeSpan.Zero);
        IReadOnlyList<OutboxMessage> batch;
        await using (var conn = await db.OpenConnectionAsync(ct))
            batch = await OutboxStore.ClaimAsync(conn, now, leaseUntil, o.BatchSize, ct);
        var queue = new ConcurrentQueue<OutboxMessage>(batch);
        var handled = new ConcurrentDictionary<Guid, bool>();
        var failed = false;
        try
        {
            // Lanes: while one message's commit waits for the WAL flush, another's email is on the wire (the sender sends
            // one at a time). Each lane keeps one connection for its share of the batch (a pooled connection handed back
            // and taken again per message costs a reset each time); each message keeps its own transaction.
            await Task.WhenAll(Enumerable.Range(0, Math.Min(o.Lanes, batch.Count)).Select(async _ =>
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                while (!Volatile.Read(ref failed) && queue.TryDequeue(out var message))
                {
                    try
                    {
                        await HandleAsync(conn, message, leaseUntil, o, ct);
                        handled[message.Id] = true;
                    }
                    catch
                    {
                        Volatile.Write(ref failed, true); // the other lanes stop taking messages; the rest is released
                        throw;
                    }
                }
            }));
        }
        finally
        {
            if (handled.Count < batch.Count) await ReleaseAsync(batch.Where(m => !handled.ContainsKey(m.Id)).Select(m => m.Id).ToList(), leaseUntil);
        }
        return batch.Count;
    }

    private async Task HandleAsync(NpgsqlConnection conn, OutboxMessage message, DateTimeOffset leaseUntil, OutboxOptions o, CancellationToken ct)
    {
        // One span per message: its handler's SQL and the emails it writes show up under it in a trace.
        using var activity = Telemetry.Source.StartActivity("outbox " + message.Type, ActivityKind.Consumer);
        activity?.SetTag("messaging.system", "outbox");
        activity?.SetTag("messaging.message.id", message.Id.ToString());
        activity?.SetTag("marketplace.outbox.attempt", message.Attempts + 1);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await OutboxStore.HoldAsync(conn, tx, message.Id, leaseUntil, ct)) return; // the lease ran out: another worker has it
        var attempts = message.Attempts + 1;
        if (attempts > o.MaxAttempts)
        {
            // Only workers that died while handling it (each claim counts) bring a row here: a message that kills its
            // worker must not kill every worker after it.
            await OutboxStore.FailAsync(conn, tx, message.Id, attempts, dead: true, "Abandoned: the worker stopped while handling it.", clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
            return;
        }
        await tx.SaveAsync("message", ct);
        try
        {
            if (!_handlers.TryGetValue(message.Type, out var handler))
                throw new InvalidOperationException($"No handler for outbox message type '{message.Type}'.");
            await handler.HandleAsync(message, conn, tx, ct);
            await OutboxStore.CompleteAsync(conn, tx, message.Id, clock.GetUtcNow(), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && !Marketplace.BuildingBlocks.Data.DatabaseAvailability.IsUnavailable(e))
        {
            await tx.RollbackAsync("message", ct);
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            var dead = attempts >= o.MaxAttempts;
            logger.LogWarning(e, "Outbox message {Type} {Id} failed (attempt {Attempts}{Dead})",
                message.Type, message.Id, attempts, dead ? ", dead-lettered" : "");
            await OutboxStore.FailAsync(conn, tx, message.Id, attempts, dead, Truncate(e.GetType().Name + ": " + e.Message, 2000),
                clock.GetUtcNow() + RetryDelay(attempts, o), ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Best effort: hands unhandled claimed rows back now; if the database is away they come back at the lease's end.</summary>
    private async Task ReleaseAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset leaseUntil)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(CancellationToken.None);
            await OutboxStore.ReleaseAsync(conn, ids, leaseUntil, clock.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Could not release {Count} claimed outbox messages; they return when their lease ends", ids.Count);
        }
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
