using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Accounts.Users;

public sealed record UserAccount
{
    public Guid Id { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public string Role { get; init; } = "";
    public Guid? EnterpriseId { get; init; }
    public string? Department { get; init; }
    public string? FirmRole { get; init; }
    public DateTimeOffset? EmailVerifiedAt { get; init; }
    public int FailedLogins { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    /// <summary>Changes when the password does or the person signs out everywhere; sessions carry it (see the host's cookie check).</summary>
    public Guid SecurityStamp { get; init; }
}

public sealed record SessionState
{
    public Guid SecurityStamp { get; init; }
    public Guid? EnterpriseId { get; init; }
}

public enum SignInOutcome { Success, InvalidCredentials, LockedOut, EmailNotVerified }

public sealed record SignInResult(SignInOutcome Outcome, UserAccount? User = null, DateTimeOffset? LockedUntil = null);

/// <summary>Accounts, passwords (ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>) and lockout. Tokens and invitations: <see cref="AccountStore"/>.</summary>
public sealed class UserStore(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxFailedLogins = 5;
    public static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(15);
    private static readonly PasswordHasher<UserAccount> Hasher = new();
    private static readonly UserAccount DummyUser = new();
    private static readonly string DummyHash = Hasher.HashPassword(DummyUser, "not-a-real-password");

    private const string Select = """
        select id, email, display_name, password_hash, role, enterprise_id, department, firm_role, email_verified_at,
               failed_logins, locked_until, security_stamp
        from accounts.users
        """;

    public async Task<UserAccount?> FindByEmailAsync(string email, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            Select + " where lower(email) = lower(@email)", new { email = email.Trim() }, cancellationToken: ct));
    }

    /// <summary>The stamp sessions of this account must carry (null: no such account).</summary>
    public async Task<Guid?> SecurityStampAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select security_stamp from accounts.users where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>
    /// What a session is checked against on each request: the stamp it must carry, and the firm the account is linked to
    /// now (an approved claim adds it, a transfer removes it). Null: no such account.
    /// </summary>
    public async Task<SessionState?> SessionStateAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<SessionState>(new CommandDefinition(
            "select security_stamp, enterprise_id from accounts.users where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Sign out everywhere: every session issued so far stops working.</summary>
    public async Task RotateSecurityStampAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "update accounts.users set security_stamp = gen_random_uuid() where id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<UserAccount?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(Select + " where id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<UserAccount>> ListByRoleAsync(string role, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<UserAccount>(new CommandDefinition(Select + " where role = @role order by display_name", new { role }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<UserAccount>> ListMembersAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<UserAccount>(new CommandDefinition(
            Select + " where enterprise_id = @enterpriseId order by email", new { enterpriseId }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Checks the password. Five failures in a row lock the account for 15 minutes; while locked even the right
    /// password is refused. An unknown email costs the same hashing work, so timing does not reveal accounts.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string email, string password, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var user = await FindByEmailAsync(email, ct);
        if (user is null)
        {
            Hasher.VerifyHashedPassword(DummyUser, DummyHash, password);
            return new SignInResult(SignInOutcome.InvalidCredentials);
        }
        if (user.LockedUntil > now) return new SignInResult(SignInOutcome.LockedOut, LockedUntil: user.LockedUntil);

        await using var conn = await db.OpenConnectionAsync(ct);
        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            var lockedUntil = await conn.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition("""
                update accounts.users
                set failed_logins = case when failed_logins + 1 >= @max then 0 else failed_logins + 1 end,
                    locked_until = case when failed_logins + 1 >= @max then @until else locked_until end
                where id = @id
                returning locked_until
                """, new { id = user.Id, max = MaxFailedLogins, until = now + LockoutPeriod }, cancellationToken: ct));
            return lockedUntil > now
                ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: lockedUntil)
                : new SignInResult(SignInOutcome.InvalidCredentials);
        }
        await conn.ExecuteAsync(new CommandDefinition(
            "update accounts.users set failed_logins = 0, locked_until = null where id = @id", new { id = user.Id }, cancellationToken: ct));
        if (user.EmailVerifiedAt is null) return new SignInResult(SignInOutcome.EmailNotVerified, user);
        return new SignInResult(SignInOutcome.Success, user);
    }

    public static string Hash(UserAccount user, string password) => Hasher.HashPassword(user, password);

    /// <summary>Inserts an account inside the caller's transaction; false when the email is taken.</summary>
    public static async Task<bool> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, UserAccount user, string password,
        DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into accounts.users
                (id, email, display_name, password_hash, role, enterprise_id, department, firm_role, email_verified_at, created_at)
            values (@Id, @Email, @DisplayName, @PasswordHash, @Role, @EnterpriseId, @Department, @FirmRole, @EmailVerifiedAt, @Now)
            on conflict do nothing
            """;
        var rows = await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            user.Id, user.Email, user.DisplayName, PasswordHash = Hash(user, password), user.Role, user.EnterpriseId,
            user.Department, user.FirmRole, user.EmailVerifiedAt, Now = now,
        }, tx, cancellationToken: ct));
        return rows == 1;
    }

    /// <summary>An account created by the operator (demo, tests): verified at once. Returns the stored account.</summary>
    public async Task<UserAccount> EnsureAsync(string email, string displayName, string password, string role, Guid? enterpriseId, string? department, CancellationToken ct)
    {
        var existing = await FindByEmailAsync(email, ct);
        if (existing is not null) return existing;
        var now = clock.GetUtcNow();
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(), Email = email.Trim(), DisplayName = displayName, Role = role, EnterpriseId = enterpriseId,
            Department = department, FirmRole = role == Roles.Enterprise && enterpriseId is not null ? "owner" : null, EmailVerifiedAt = now,
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await InsertAsync(conn, tx, user, password, now, ct);
        await tx.CommitAsync(ct);
        return (await FindByEmailAsync(email, ct))!;
    }
}
