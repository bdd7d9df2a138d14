using Dapper;
using Npgsql;

namespace Marketplace.Web.Notifications;

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

/// <summary>What the admin page shows of the outbox, and the retry of dead-lettered messages.</summary>
public sealed class OutboxAdmin(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<OutboxRow> Rows)> ListAsync(string? status, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var counts = (await conn.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "select status, count(*) from outbox.messages group by status", cancellationToken: ct))).ToDictionary(x => x.Status, x => x.Count);
        var rows = (await conn.QueryAsync<OutboxRow>(new CommandDefinition("""
            select id, type, dedupe_key, status, attempts, next_attempt_at, created_at, last_error from outbox.messages
            where @status::text is null or status = @status
            order by created_at desc limit 200
            """, new { status }, cancellationToken: ct))).ToList();
        return (counts, rows);
    }

    /// <summary>Gives a dead-lettered message a fresh set of attempts; the dedupe key keeps it from being sent twice.</summary>
    public async Task<bool> RetryAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("""
            update outbox.messages set status = 'pending', attempts = 0, next_attempt_at = @now where id = @id and status = 'dead'
            """, new { id, now = clock.GetUtcNow() }, cancellationToken: ct)) == 1;
    }
}
