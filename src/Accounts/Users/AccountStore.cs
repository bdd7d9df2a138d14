using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Marketplace.Accounts.Users;

public sealed record InvitationView(string Email, string Role, Guid? EnterpriseId, string? Department);

public sealed record NewInvitation(string Email, string Role, Guid? EnterpriseId, string? Department, Guid InvitedBy);

/// <summary>
/// The writes of sign-up, verification, password reset and invitations, one statement each. Most take the caller's
/// connection and transaction, so a flow can commit them together with its outbox email.
/// </summary>
public sealed class AccountStore(NpgsqlDataSource db)
{
    // ---- one-time tokens -------------------------------------------------------------------------------------

    /// <summary>A fresh random token (returned once, for the link) whose SHA-256 is what the database keeps.</summary>
    public static (string Token, string Hash) NewToken()
    {
        var token = Base64UrlToken(RandomNumberGenerator.GetBytes(32));
        return (token, HashToken(token));
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlToken(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task<string> IssueTokenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, string purpose,
        TimeSpan lifetime, DateTimeOffset now, CancellationToken ct)
    {
        var (token, hash) = NewToken();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into accounts.tokens (token_hash, user_id, purpose, created_at, expires_at)
            values (@hash, @userId, @purpose, @now, @expires)
            """, new { hash, userId, purpose, now, expires = now + lifetime }, tx, cancellationToken: ct));
        return token;
    }

    /// <summary>Uses a token once: the user it was for, or null when unknown, used, expired or of another purpose.</summary>
    public Task<Guid?> ConsumeTokenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string? token, string purpose, DateTimeOffset now, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(token)
            ? Task.FromResult<Guid?>(null)
            : conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
                update accounts.tokens set used_at = @now
                where token_hash = @hash and purpose = @purpose and used_at is null and expires_at > @now
                returning user_id
                """, new { hash = HashToken(token), purpose, now }, tx, cancellationToken: ct));

    /// <summary>Makes every outstanding token of a purpose unusable (a reset invalidates the other reset links).</summary>
    public Task RevokeTokensAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, string purpose, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            "update accounts.tokens set used_at = @now where user_id = @userId and purpose = @purpose and used_at is null",
            new { userId, purpose, now }, tx, cancellationToken: ct));

    // ---- users ---------------------------------------------------------------------------------------------------

    public Task<UserAccount?> FindByEmailAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string email, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            "select id, email, display_name from accounts.users where lower(email) = lower(@email)", new { email = email.Trim() }, tx, cancellationToken: ct));

    public Task<bool> EmailTakenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string email, CancellationToken ct) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from accounts.users where lower(email) = lower(@email))", new { email = email.Trim() }, tx, cancellationToken: ct));

    public Task MarkEmailVerifiedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            "update accounts.users set email_verified_at = coalesce(email_verified_at, @now) where id = @userId", new { userId, now }, tx, cancellationToken: ct));

    /// <summary>A new password also proves the mailbox, clears a lockout and ends every session issued before it.</summary>
    public Task SetPasswordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, string password, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            update accounts.users
            set password_hash = @hash, failed_logins = 0, locked_until = null, email_verified_at = coalesce(email_verified_at, @now),
                security_stamp = gen_random_uuid()
            where id = @id
            """, new { id = userId, hash = UserStore.Hash(new UserAccount { Id = userId }, password), now }, tx, cancellationToken: ct));

    // ---- invitations -------------------------------------------------------------------------------------------

    /// <summary>Records an invitation valid for <paramref name="lifetime"/>; returns the token for the link and its hash.</summary>
    public async Task<(string Token, string Hash)> InsertInvitationAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NewInvitation invitation,
        TimeSpan lifetime, DateTimeOffset now, CancellationToken ct)
    {
        var (token, hash) = NewToken();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into accounts.invitations (token_hash, email, role, enterprise_id, department, invited_by, created_at, expires_at)
            values (@hash, @Email, @Role, @EnterpriseId, @Department, @InvitedBy, @now, @expires)
            """, new
        {
            hash, invitation.Email, invitation.Role, invitation.EnterpriseId, invitation.Department, invitation.InvitedBy, now,
            expires = now + lifetime,
        }, tx, cancellationToken: ct));
        return (token, hash);
    }

    /// <summary>An invitation that can still be accepted, or null.</summary>
    public async Task<InvitationView?> FindInvitationAsync(string? token, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token)) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<InvitationView>(new CommandDefinition("""
            select email, role, enterprise_id, department from accounts.invitations
            where token_hash = @hash and accepted_at is null and expires_at > @now
            """, new { hash = HashToken(token), now }, cancellationToken: ct));
    }

    /// <summary>Marks an invitation accepted; false when someone else accepted it first.</summary>
    public async Task<bool> ClaimInvitationAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string token, DateTimeOffset now, CancellationToken ct) =>
        await conn.ExecuteAsync(new CommandDefinition(
            "update accounts.invitations set accepted_at = @now where token_hash = @hash and accepted_at is null",
            new { now, hash = HashToken(token) }, tx, cancellationToken: ct)) == 1;
}
