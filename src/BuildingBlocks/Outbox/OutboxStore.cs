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
    /// <summary>Due messages, locked with <c>FOR UPDATE SKIP LOCKED</c> so several nodes never take the same row.</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, int limit,
        CancellationToken ct) =>
        (await conn.QueryAsync<OutboxMessage>(new CommandDefinition("""
            select id, type, dedupe_key, payload::text as payload, attempts
            from outbox.messages
            where status = 'pending' and next_attempt_at <= @now
            order by next_attempt_at, id
            limit @limit
            for update skip locked
            """, new { now, limit }, tx, cancellationToken: ct))).ToList();

    public static Task CompleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            "update outbox.messages set status = 'done', attempts = attempts + 1, processed_at = @now, last_error = null where id = @id",
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
