using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Marketplace.BuildingBlocks.Results;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Accounts.Api;

/// <summary>Section <c>Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";
    /// <summary>How long a key and its answer are kept; a key reused after that starts afresh.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Answers with a longer body are not kept: a repeat learns the request ran but cannot get its answer again.</summary>
    [Range(0, 16 * 1024 * 1024)] public int MaxStoredResponseBytes { get; set; } = 64 * 1024;
}

/// <summary>An answer kept for replay.</summary>
public sealed record StoredAnswer(int Status, string? ContentType, string? Location, byte[] Body);

/// <summary>What a request carrying a key may do.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>First of its key: run it, then <see cref="IdempotencyKeys.CompleteAsync"/> or <see cref="IdempotencyKeys.ReleaseAsync"/>.</summary>
    public sealed record Run : IdempotencyClaim;
    /// <summary>The same request already answered: send this answer again without running it.</summary>
    public sealed record Replay(StoredAnswer Answer) : IdempotencyClaim;
    /// <summary>The same request ran, but its answer was too long to keep.</summary>
    public sealed record AnswerNotKept : IdempotencyClaim;
    /// <summary>The same request is still running.</summary>
    public sealed record InFlight : IdempotencyClaim;
    /// <summary>The key was used for a different request.</summary>
    public sealed record Reused : IdempotencyClaim;
}

/// <summary>
/// Idempotency keys of API callers, scoped by account: the first request with a key claims it, its answer is kept
/// (PostgreSQL, not memory, so every web node sees it) and replayed to a repeat of the same request for a day. A key is
/// claimed by one conditional upsert, so of two concurrent requests exactly one runs. Server errors release the key.
/// </summary>
public sealed class IdempotencyKeys(NpgsqlDataSource db, TimeProvider clock, IOptions<IdempotencyOptions> options)
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>1–255 printable ASCII characters (space to tilde).</summary>
    public static Error? Check(string? key) =>
        key is { Length: >= 1 and <= 255 } && key.All(c => c is >= ' ' and <= '~') && key.Trim().Length > 0
            ? null
            : Error.Invalid("idempotency_key_invalid", "Idempotency-Key 应为 1–255 个可打印 ASCII 字符", HeaderName);

    /// <summary>SHA-256 of the method, the path with its query and the body: what "the same request" means.</summary>
    public static async Task<string> RequestHashAsync(string method, string pathAndQuery, Stream body, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(method.ToUpperInvariant() + "\n" + pathAndQuery + "\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0) hash.AppendData(buffer, 0, read);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private sealed record Row
    {
        public string RequestHash { get; init; } = "";
        public string State { get; init; } = "";
        public int? ResponseStatus { get; init; }
        public string? ResponseContentType { get; init; }
        public string? ResponseLocation { get; init; }
        public byte[]? ResponseBody { get; init; }
        public bool ResponseTooLarge { get; init; }
    }

    public async Task<IdempotencyClaim> ClaimAsync(Guid userId, string key, string requestHash, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // A released key (its first run failed) may vanish between the upsert and the read: try again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = clock.GetUtcNow();
            // Inserts a new key, or takes over one whose day is over; otherwise returns nothing and the row is read below.
            var claimed = await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
                insert into accounts.idempotency_keys (user_id, idempotency_key, request_hash, state, created_at, expires_at)
                values (@userId, @key, @requestHash, 'in_flight', @now, @expiresAt)
                on conflict (user_id, idempotency_key) do update
                    set request_hash = excluded.request_hash, state = 'in_flight', created_at = excluded.created_at,
                        expires_at = excluded.expires_at, completed_at = null, response_status = null, response_content_type = null,
                        response_location = null, response_body = null, response_too_large = false
                    where accounts.idempotency_keys.expires_at <= excluded.created_at
                returning true
                """, new { userId, key, requestHash, now, expiresAt = now + options.Value.Lifetime }, cancellationToken: ct));
            if (claimed) return new IdempotencyClaim.Run();

            var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
                select request_hash, state, response_status, response_content_type, response_location, response_body, response_too_large
                from accounts.idempotency_keys where user_id = @userId and idempotency_key = @key
                """, new { userId, key }, cancellationToken: ct));
            if (row is null) continue;
            if (row.RequestHash != requestHash) return new IdempotencyClaim.Reused();
            if (row.State == "in_flight") return new IdempotencyClaim.InFlight();
            if (row.ResponseTooLarge) return new IdempotencyClaim.AnswerNotKept();
            return new IdempotencyClaim.Replay(new StoredAnswer(row.ResponseStatus!.Value, row.ResponseContentType, row.ResponseLocation, row.ResponseBody ?? []));
        }
        return new IdempotencyClaim.InFlight();
    }

    /// <summary>Keeps the answer of a claimed key; a body over the bound is recorded as not kept.</summary>
    public async Task CompleteAsync(Guid userId, string key, int status, string? contentType, string? location, byte[]? body, CancellationToken ct)
    {
        var tooLarge = body is null || body.Length > options.Value.MaxStoredResponseBytes;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            update accounts.idempotency_keys
            set state = 'completed', completed_at = @now, response_status = @status, response_content_type = @contentType,
                response_location = @location, response_body = @stored, response_too_large = @tooLarge
            where user_id = @userId and idempotency_key = @key and state = 'in_flight'
            """, new { userId, key, now = clock.GetUtcNow(), status, contentType, location, stored = tooLarge ? null : body, tooLarge },
            cancellationToken: ct));
    }

    /// <summary>Forgets a claimed key whose request failed on the server's side, so the caller can simply retry.</summary>
    public async Task ReleaseAsync(Guid userId, string key, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from accounts.idempotency_keys where user_id = @userId and idempotency_key = @key and state = 'in_flight'",
            new { userId, key }, cancellationToken: ct));
    }

    /// <summary>Deletes keys whose day is over (the scheduler calls it; a reused expired key is also taken over on the spot).</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "delete from accounts.idempotency_keys where expires_at <= @now", new { now = clock.GetUtcNow() }, cancellationToken: ct));
    }
}
