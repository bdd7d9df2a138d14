using Dapper;
using Marketplace.BuildingBlocks.Outbox;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Notifications;

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
        const string claim = """
            select id, type, dedupe_key, payload::text as payload, attempts
            from outbox.messages
            where status = 'pending' and next_attempt_at <= @now
            order by next_attempt_at, id
            limit @limit
            for update skip locked
            """;
        var batch = (await conn.QueryAsync<OutboxMessage>(new CommandDefinition(claim, new { now, limit = o.BatchSize }, tx, cancellationToken: ct))).ToList();
        foreach (var message in batch)
        {
            await tx.SaveAsync("message", ct);
            try
            {
                if (!_handlers.TryGetValue(message.Type, out var handler))
                    throw new InvalidOperationException($"No handler for outbox message type '{message.Type}'.");
                await handler.HandleAsync(message, conn, tx, ct);
                await conn.ExecuteAsync(new CommandDefinition(
                    "update outbox.messages set status = 'done', attempts = attempts + 1, processed_at = @now, last_error = null where id = @id",
                    new { id = message.Id, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
                await tx.ReleaseAsync("message", ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                await tx.RollbackAsync("message", ct);
                var attempts = message.Attempts + 1;
                var dead = attempts >= o.MaxAttempts;
                logger.LogWarning(e, "Outbox message {Type} {Id} failed (attempt {Attempts}{Dead})",
                    message.Type, message.Id, attempts, dead ? ", dead-lettered" : "");
                await conn.ExecuteAsync(new CommandDefinition("""
                    update outbox.messages
                    set attempts = @attempts, status = @status, last_error = @error, next_attempt_at = @next
                    where id = @id
                    """,
                    new
                    {
                        id = message.Id, attempts, status = dead ? "dead" : "pending",
                        error = Truncate(e.GetType().Name + ": " + e.Message, 2000),
                        next = clock.GetUtcNow() + RetryDelay(attempts, o),
                    }, tx, cancellationToken: ct));
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

public static class OutboxEnqueue
{
    /// <summary>Type of a rendered email waiting to be sent.</summary>
    public const string EmailV1 = "email.v1";

    public static Task<bool> EmailAsync(NpgsqlConnection conn, NpgsqlTransaction tx, EmailMessage email, DateTimeOffset now, CancellationToken ct) =>
        OutboxWriter.EnqueueAsync(conn, tx, EmailV1, email.DedupeKey, email, now, ct);
}
