using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.BuildingBlocks.Audit;

public sealed record AuditEntry
{
    public long Seq { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public Guid? ActorId { get; init; }
    public string Action { get; init; } = "";
    public string EntityType { get; init; } = "";
    public string EntityId { get; init; } = "";
    public string? Before { get; init; }
    public string? After { get; init; }
}

/// <summary>Where the chain breaks: the entry number, a stable kind (changed, missing, out_of_order, link, head) and a description.</summary>
public sealed record AuditBreak(long Seq, string Kind, string Problem);

/// <summary>The newest entry: recorded elsewhere (a backup manifest, an operator's log), it later shows whether entries were removed from the end.</summary>
public sealed record AuditHead(long Seq, string Hash);

/// <summary>
/// The append-only audit log. Entries are written inside the caller's transaction, so an entry exists exactly when
/// the change does. The hash is computed by PostgreSQL from its own canonical text of each field, so writing and
/// verifying hash the same bytes.
/// </summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // One expression for writing and for verifying: the fields, then the previous hash, joined and hashed.
    private const string HashOf = """
        encode(sha256(convert_to(concat_ws('|', {0}seq::text, {0}id::text,
            to_char({0}recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), coalesce({0}actor_id::text, ''),
            {0}action, {0}entity_type, {0}entity_id, coalesce({0}before::text, ''), coalesce({0}after::text, ''), {0}prev_hash), 'UTF8')), 'hex')
        """;

    /// <summary>Appends an entry. A transaction-scoped advisory lock orders concurrent writers, so the chain has no forks.</summary>
    public static async Task AppendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid? actorId, string action, string entityType,
        string entityId, object? before, object? after, DateTimeOffset now, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(7261001)", transaction: tx, cancellationToken: ct));
        var sql = $"""
            with last as (select seq, hash from audit.entries order by seq desc limit 1),
            e as (
                select coalesce((select seq from last), 0) + 1 as seq, @id::uuid as id, @now::timestamptz as recorded_at,
                       @actorId::uuid as actor_id, @action::text as action, @entityType::text as entity_type, @entityId::text as entity_id,
                       @before::jsonb as before, @after::jsonb as after, coalesce((select hash from last), 'genesis') as prev_hash
            )
            insert into audit.entries (seq, id, recorded_at, actor_id, action, entity_type, entity_id, before, after, prev_hash, hash)
            select e.seq, e.id, e.recorded_at, e.actor_id, e.action, e.entity_type, e.entity_id, e.before, e.after, e.prev_hash,
                   {string.Format(HashOf, "e.")}
            from e
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            id = Guid.CreateVersion7(), now, actorId, action, entityType, entityId,
            before = before is null ? null : JsonSerializer.Serialize(before, Json),
            after = after is null ? null : JsonSerializer.Serialize(after, Json),
        }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// The first entry whose hash, link to the previous entry or sequence number is wrong; null when the chain holds.
    /// A removed entry leaves a gap (reported at the missing number); an entry moved to another place links to an entry
    /// that is not its predecessor (reported with the one it was written after); changed content no longer hashes to its hash.
    /// </summary>
    public static async Task<(long Entries, AuditBreak? FirstBreak)> VerifyAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var sql = $"""
            select case when t.seq <> t.prev_seq + 1 then t.prev_seq + 1 else t.seq end as seq,
                   case
                       when t.seq <> t.prev_seq + 1 then 'missing'
                       when t.prev_hash <> t.expected_prev and p.seq is not null then 'out_of_order'
                       when t.prev_hash <> t.expected_prev then 'link'
                       else 'changed' end as kind,
                   case
                       when t.seq = t.prev_seq + 2 then format('entry #%s is missing (removed)', t.prev_seq + 1)
                       when t.seq <> t.prev_seq + 1 then format('entries #%s to #%s are missing (removed)', t.prev_seq + 1, t.seq - 1)
                       when t.prev_hash <> t.expected_prev and p.seq is not null
                           then format('entry out of order: it was written right after entry #%s', p.seq)
                       when t.prev_hash <> t.expected_prev then 'link to the previous entry does not match'
                       else 'content changed after it was written' end as problem
            from (
                select seq, hash, prev_hash, {string.Format(HashOf, "")} as expected_hash,
                       coalesce(lag(hash) over (order by seq), 'genesis') as expected_prev,
                       coalesce(lag(seq) over (order by seq), 0) as prev_seq
                from audit.entries
            ) t
            left join audit.entries p on p.hash = t.prev_hash
            where t.hash <> t.expected_hash or t.prev_hash <> t.expected_prev or t.seq <> t.prev_seq + 1
            order by t.seq
            limit 1
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var count = await conn.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from audit.entries", cancellationToken: ct));
        var broken = await conn.QueryFirstOrDefaultAsync<AuditBreak>(new CommandDefinition(sql, commandTimeout: 600, cancellationToken: ct));
        return (count, broken);
    }

    /// <summary>The newest entry, or null when the log is empty.</summary>
    public static async Task<AuditHead?> HeadAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<AuditHead>(new CommandDefinition(
            "select seq, hash from audit.entries order by seq desc limit 1", cancellationToken: ct));
    }

    /// <summary>
    /// Whether a head recorded earlier is still in the chain. The chain alone cannot show that its newest entries were
    /// removed (what remains is a valid chain); a head kept elsewhere can.
    /// </summary>
    public static async Task<AuditBreak?> CheckHeadAsync(NpgsqlDataSource db, AuditHead recorded, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var hash = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select hash from audit.entries where seq = @seq", new { seq = recorded.Seq }, cancellationToken: ct));
        return hash switch
        {
            null => new AuditBreak(recorded.Seq, "missing", $"entry #{recorded.Seq}, the recorded head, is missing: the newest entries were removed"),
            _ when hash != recorded.Hash => new AuditBreak(recorded.Seq, "changed", $"entry #{recorded.Seq} is not the recorded head"),
            _ => null,
        };
    }

    public static async Task<IReadOnlyList<AuditEntry>> ListAsync(NpgsqlDataSource db, string? entityType, string? entityId, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AuditEntry>(new CommandDefinition("""
            select seq, recorded_at, actor_id, action, entity_type, entity_id, before::text as before, after::text as after
            from audit.entries
            where (@entityType::text is null or entity_type = @entityType) and (@entityId::text is null or entity_id = @entityId)
            order by seq desc limit @limit
            """, new { entityType, entityId, limit }, cancellationToken: ct))).ToList();
    }
}
