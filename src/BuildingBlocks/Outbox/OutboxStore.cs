using Dapper;
using Npgsql;

namespace Marketplace.BuildingBlocks.Outbox;

/// <summary>A row of the outbox as the admin page lists it.</summary>
public sealed record OutboxRow
{
    public Guid Id { get; init; }
    public string Type { get; init; } = "";
    public string DedupeKey { get; init; } = "";
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? LastError { get; init; }
}

/// <summary>
/// The statements on <c>outbox.messages</c> beyond the insert (<see cref="OutboxWriter"/>): claiming due rows, recording
/// each outcome, and what operators see and retry. Claim and outcomes run in the worker's transaction.
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource db)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages for one worker in a statement of its own (committed at once):
    /// rows locked with <c>FOR UPDATE SKIP LOCKED</c> (so several nodes never take the same row) are leased — their
    /// <c>next_attempt_at</c> moves to <paramref name="leaseUntil"/>, which also names the claim — and their attempt is
    /// counted. A worker that dies leaves its rows to be claimed again when the lease ends. <see cref="OutboxMessage.Attempts"/>
    /// is the number of earlier attempts.
    /// </summary>
    /// <summary>Ids of the messages of a type still pending (not yet handled, or being handled), as the caller's transaction sees them.</summary>
    public static async Task<IReadOnlySet<Guid>> PendingIdsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string type, CancellationToken ct) =>
        (await conn.QueryAsync<Guid>(new CommandDefinition(
            "select id from outbox.messages where type = @type and status = 'pending'", new { type }, tx, cancellationToken: ct))).ToHashSet();

    public static async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(NpgsqlConnection conn, DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken ct) =>
        (await conn.QueryAsync<OutboxMessage>(new CommandDefinition("""
            update outbox.messages m
            set next_attempt_at = @leaseUntil, attempts = m.attempts + 1
            from (select id from outbox.messages
                  where status = 'pending' and next_attempt_at <= @now
                  order by next_attempt_at, id
                  limit @limit
                  for update skip locked) due
            where m.id = due.id
            returning m.id, m.type, m.dedupe_key, m.payload::text as payload, m.attempts - 1 as attempts
            """, new { now, leaseUntil, limit }, cancellationToken: ct))).OrderBy(m => m.Id).ToList();

    /// <summary>
    /// Locks one claimed message for handling in the caller's transaction; false when the lease was lost (it ran out and
    /// another worker claimed the row) or the row is no longer pending. The row lock keeps other workers off it while it
    /// is handled, however long that takes.
    /// It waits for a lock someone else holds rather than skipping the row: another worker's claim scan briefly locks rows
    /// it then finds not due (PostgreSQL keeps the lock of a row that failed its recheck until that statement's
    /// transaction ends), and skipping would leave a message this worker owns untouched until its lease ran out, charged
    /// an attempt. Where the lease was truly lost, the wait ends when the other worker's handling does, and the row is
    /// then no longer ours.
    /// </summary>
    public static async Task<bool> HoldAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset leaseUntil, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<int?>(new CommandDefinition("""
            select 1 from outbox.messages where id = @id and status = 'pending' and next_attempt_at = @leaseUntil for update
            """, new { id, leaseUntil }, tx, cancellationToken: ct)) is not null;

    /// <summary>Gives claimed messages that were not handled back at once (a worker stopping), instead of at the lease's end.</summary>
    public static Task ReleaseAsync(NpgsqlConnection conn, IReadOnlyCollection<Guid> ids, DateTimeOffset leaseUntil, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            update outbox.messages set next_attempt_at = @now, attempts = greatest(attempts - 1, 0)
            where id = any(@ids) and status = 'pending' and next_attempt_at = @leaseUntil
            """, new { ids = ids.ToArray(), leaseUntil, now }, cancellationToken: ct));

    public static Task CompleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            "update outbox.messages set status = 'done', processed_at = @now, last_error = null where id = @id",
            new { id, now }, tx, cancellationToken: ct));

    /// <summary>Records a failed attempt: another try at <paramref name="nextAttemptAt"/>, or dead-lettered.</summary>
    public static Task FailAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, int attempts, bool dead, string error,
        DateTimeOffset nextAttemptAt, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            update outbox.messages
            set attempts = @attempts, status = @status, last_error = @error, next_attempt_at = @next
            where id = @id
            """, new { id, attempts, status = dead ? "dead" : "pending", error, next = nextAttemptAt }, tx, cancellationToken: ct));

    /// <summary>Whether a message with this dedupe key was ever written (whatever its state).</summary>
    public static Task<bool> ExistsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string dedupeKey, CancellationToken ct) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from outbox.messages where dedupe_key = @dedupeKey)", new { dedupeKey }, tx, cancellationToken: ct));

    /// <param name="hiddenPrefixes">Messages whose type or dedupe key starts with one of these are neither counted nor listed.</param>
    public async Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(IReadOnlyList<string> hiddenPrefixes, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string Status, long Count)>(new CommandDefinition("""
            select status, count(*) from outbox.messages
            where not (type like any(@hidden) or dedupe_key like any(@hidden))
            group by status
            """, new { hidden = LikePrefixes(hiddenPrefixes) }, cancellationToken: ct))).ToDictionary(x => x.Status, x => x.Count);
    }

    private static string[] LikePrefixes(IReadOnlyList<string> prefixes) =>
        prefixes.Select(p => p.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%").ToArray();

    /// <summary>The newest 200 rows, optionally of one status.</summary>
    public async Task<IReadOnlyList<OutboxRow>> ListAsync(string? status, IReadOnlyList<string> hiddenPrefixes, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<OutboxRow>(new CommandDefinition("""
            select id, type, dedupe_key, status, attempts, next_attempt_at, created_at, last_error from outbox.messages
            where (@status::text is null or status = @status) and not (type like any(@hidden) or dedupe_key like any(@hidden))
            order by created_at desc limit 200
            """, new { status, hidden = LikePrefixes(hiddenPrefixes) }, cancellationToken: ct))).ToList();
    }

    /// <summary>Gives a dead-lettered message a fresh set of attempts; false when it is not dead.</summary>
    public async Task<bool> RetryAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("""
            update outbox.messages set status = 'pending', attempts = 0, next_attempt_at = @now where id = @id and status = 'dead'
            """, new { id, now }, cancellationToken: ct)) == 1;
    }
}
