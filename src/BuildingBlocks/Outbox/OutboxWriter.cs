using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.BuildingBlocks.Outbox;

/// <summary>
/// Writes a message into <c>outbox.messages</c> inside the caller's transaction, so the message exists
/// if and only if the change that caused it commits. The dedupe key makes a repeated write a no-op.
/// </summary>
public static class OutboxWriter
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<bool> EnqueueAsync<TPayload>(
        NpgsqlConnection connection, NpgsqlTransaction transaction,
        string type, string dedupeKey, TPayload payload, DateTimeOffset now, CancellationToken ct)
    {
        return EnqueueRawAsync(connection, transaction, type, dedupeKey, JsonSerializer.Serialize(payload, Json), now, ct);
    }

    public static async Task<bool> EnqueueRawAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction,
        string type, string dedupeKey, string payloadJson, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into outbox.messages (id, type, dedupe_key, payload, created_at, next_attempt_at)
            values (@Id, @Type, @DedupeKey, @Payload::jsonb, @Now, @Now)
            on conflict (dedupe_key) do nothing
            """;
        var rows = await connection.ExecuteAsync(new CommandDefinition(sql,
            new { Id = Guid.CreateVersion7(), Type = type, DedupeKey = dedupeKey, Payload = payloadJson, Now = now },
            transaction, cancellationToken: ct));
        return rows == 1;
    }
}
