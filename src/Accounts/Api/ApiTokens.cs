using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Dapper;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Results;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Accounts.Api;

/// <summary>Section <c>ApiTokens</c>.</summary>
public sealed class ApiTokenOptions
{
    public const string Section = "ApiTokens";
    /// <summary>Tokens a person may hold at once (neither revoked nor expired).</summary>
    [Range(1, 100)] public int MaxPerUser { get; set; } = 10;
    /// <summary>The longest lifetime a token may be given, in days.</summary>
    [Range(1, 3650)] public int MaxLifetimeDays { get; set; } = 365;
}

/// <summary>A token as its owner sees it on the account page: never the secret.</summary>
public sealed record ApiTokenView
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>A token just created: the only moment its secret exists outside the caller's hands.</summary>
public sealed record IssuedApiToken(Guid Id, string Name, string Secret, DateTimeOffset ExpiresAt);

/// <summary>Who a valid token speaks for: the owner's account as it is now (role, firm, department) and the token used.</summary>
public sealed record ApiTokenCaller(Guid TokenId, UserAccount User);

/// <summary>
/// Per-user API tokens: created and revoked by their owner, shown once, stored as SHA-256. A token is accepted while it
/// is neither revoked nor expired and the account's security stamp is still the one it was created under.
/// </summary>
public sealed class ApiTokens(NpgsqlDataSource db, TimeProvider clock, IOptions<ApiTokenOptions> options)
{
    public const string Prefix = "mkt_";
    /// <summary><c>mkt_</c> and 32 random bytes in unpadded base64url.</summary>
    public const int SecretLength = 4 + 43;
    /// <summary>Last use is recorded at most this often per token, so a busy script does not write on every call.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public static string NewSecret() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Only well-formed secrets reach the database; anything else is refused without a query.</summary>
    public static bool LooksLikeSecret(string? secret) =>
        secret is { Length: SecretLength } && secret.StartsWith(Prefix, StringComparison.Ordinal)
        && secret.AsSpan(Prefix.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    public static IReadOnlyList<Error> CheckRequest(string? name, int? lifetimeDays, int maxLifetimeDays)
    {
        var errors = new List<Error>();
        if (name?.Trim().Length is not (>= 1 and <= 60))
            errors.Add(Error.Invalid("token_name_length", "令牌名称应为 1–60 个字（如“数据同步脚本”）", "Name"));
        if (lifetimeDays is not { } days || days < 1 || days > maxLifetimeDays)
            errors.Add(Error.Invalid("token_lifetime", $"有效期应为 1–{maxLifetimeDays} 天", "ExpiresInDays"));
        return errors;
    }

    public async Task<Result<IssuedApiToken>> CreateAsync(Guid userId, string? name, int? lifetimeDays, CancellationToken ct)
    {
        var o = options.Value;
        if (CheckRequest(name, lifetimeDays, o.MaxLifetimeDays) is { Count: > 0 } errors) return Result<IssuedApiToken>.Fail(errors);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The account row is locked so two creations at once cannot both pass the cap.
        var stamp = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select security_stamp from accounts.users where id = @userId for update", new { userId }, tx, cancellationToken: ct));
        if (stamp is null) return Error.NotFound("account_not_found", "账号不存在");
        var active = await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            select count(*)::int from accounts.api_tokens where user_id = @userId and revoked_at is null and expires_at > @now
            """, new { userId, now }, tx, cancellationToken: ct));
        if (active >= o.MaxPerUser)
            return Error.Conflict("token_limit_reached", $"每个账号最多同时持有 {o.MaxPerUser} 个有效的 API 令牌，请先撤销不再使用的令牌");

        var id = Guid.CreateVersion7();
        var secret = NewSecret();
        var expiresAt = now.AddDays(lifetimeDays!.Value);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into accounts.api_tokens (id, user_id, name, token_hash, security_stamp, created_at, expires_at)
            values (@id, @userId, @name, @hash, @stamp, @now, @expiresAt)
            """, new { id, userId, name = name!.Trim(), hash = AccountStore.HashToken(secret), stamp, now, expiresAt }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, userId, "api_token.created", "api_token", id.ToString(), null,
            new { name = name.Trim(), expiresAt }, now, ct);
        await tx.CommitAsync(ct);
        return new IssuedApiToken(id, name.Trim(), secret, expiresAt);
    }

    /// <summary>Revokes one of the caller's own tokens; another person's token is "not found", exactly like a missing one.</summary>
    public async Task<Result<Guid>> RevokeAsync(Guid userId, Guid tokenId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var name = await conn.ExecuteScalarAsync<string?>(new CommandDefinition("""
            update accounts.api_tokens set revoked_at = @now
            where id = @tokenId and user_id = @userId and revoked_at is null
            returning name
            """, new { tokenId, userId, now }, tx, cancellationToken: ct));
        if (name is null) return Error.NotFound("token_not_found", "令牌不存在或已撤销");
        await AuditLog.AppendAsync(conn, tx, userId, "api_token.revoked", "api_token", tokenId.ToString(), null, new { name, revokedAt = now }, now, ct);
        await tx.CommitAsync(ct);
        return tokenId;
    }

    /// <summary>The caller's tokens, newest first: active ones and those revoked or expired in the last 30 days.</summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(Guid userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ApiTokenView>(new CommandDefinition("""
            select id, name, created_at, expires_at, last_used_at, revoked_at
            from accounts.api_tokens
            where user_id = @userId and coalesce(revoked_at, expires_at) > @since
            order by created_at desc
            """, new { userId, since = clock.GetUtcNow().AddDays(-30) }, cancellationToken: ct))).ToList();
    }

    private sealed record CallerRow
    {
        public Guid TokenId { get; init; }
        public Guid Id { get; init; }
        public string Email { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public Guid? EnterpriseId { get; init; }
        public string? Department { get; init; }
        public string? FirmRole { get; init; }
        public Guid SecurityStamp { get; init; }
    }

    /// <summary>
    /// The account a bearer secret speaks for, or null when it is malformed, unknown, revoked, expired, or the account's
    /// security stamp changed since it was created. One statement: the check, the owner's current role and firm, and the
    /// last-use mark (at most once a minute).
    /// </summary>
    public async Task<ApiTokenCaller?> AuthenticateAsync(string? secret, CancellationToken ct)
    {
        if (!LooksLikeSecret(secret)) return null;
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<CallerRow>(new CommandDefinition("""
            with hit as (
                select t.id, t.user_id, t.last_used_at
                from accounts.api_tokens t
                join accounts.users u on u.id = t.user_id
                where t.token_hash = @hash and t.revoked_at is null and t.expires_at > @now and t.security_stamp = u.security_stamp
            ), touched as (
                update accounts.api_tokens t set last_used_at = @now
                from hit
                where t.id = hit.id and (hit.last_used_at is null or hit.last_used_at <= @touchBefore)
            )
            select hit.id as token_id, u.id, u.email, u.display_name, u.role, u.enterprise_id, u.department, u.firm_role, u.security_stamp
            from hit join accounts.users u on u.id = hit.user_id
            """, new { hash = AccountStore.HashToken(secret!), now, touchBefore = now - LastUsedResolution }, cancellationToken: ct));
        return row is null ? null : new ApiTokenCaller(row.TokenId, new UserAccount
        {
            Id = row.Id, Email = row.Email, DisplayName = row.DisplayName, Role = row.Role, EnterpriseId = row.EnterpriseId,
            Department = row.Department, FirmRole = row.FirmRole, SecurityStamp = row.SecurityStamp,
        });
    }
}
