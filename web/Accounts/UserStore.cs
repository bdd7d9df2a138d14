using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Marketplace.Web.Accounts;

public sealed record UserAccount(Guid Id, string Email, string DisplayName, string PasswordHash, string Role, Guid? EnterpriseId, string? Department);

/// <summary>Users and their passwords, hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed class UserStore(NpgsqlDataSource db, TimeProvider clock)
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    public async Task<UserAccount?> FindByEmailAsync(string email, CancellationToken ct)
    {
        const string sql = """
            select id, email, display_name, password_hash, role, enterprise_id, department
            from accounts.users where lower(email) = lower(@email)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(sql, new { email = email.Trim() }, cancellationToken: ct));
    }

    public async Task<UserAccount?> GetAsync(Guid id, CancellationToken ct)
    {
        const string sql = """
            select id, email, display_name, password_hash, role, enterprise_id, department
            from accounts.users where id = @id
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    /// <summary>The account if the password is right, else null. A rehash-needed result upgrades the stored hash.</summary>
    public async Task<UserAccount?> VerifyPasswordAsync(string email, string password, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, ct);
        if (user is null)
        {
            // Spend the same work as a real check so response time does not reveal which emails exist.
            Hasher.VerifyHashedPassword(DummyUser, DummyHash, password);
            return null;
        }
        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        return verdict == PasswordVerificationResult.Failed ? null : user;
    }

    private static readonly UserAccount DummyUser = new(Guid.Empty, "", "", "", Roles.Officer, null, null);
    private static readonly string DummyHash = Hasher.HashPassword(DummyUser, "not-a-real-password");

    /// <summary>Creates the account unless the email is taken; returns the stored account either way.</summary>
    public async Task<UserAccount> EnsureAsync(string email, string displayName, string password, string role, Guid? enterpriseId, string? department, CancellationToken ct)
    {
        var existing = await FindByEmailAsync(email, ct);
        if (existing is not null) return existing;
        var user = new UserAccount(Guid.CreateVersion7(), email.Trim(), displayName, "", role, enterpriseId, department);
        user = user with { PasswordHash = Hasher.HashPassword(user, password) };
        const string sql = """
            insert into accounts.users (id, email, display_name, password_hash, role, enterprise_id, department, created_at)
            values (@Id, @Email, @DisplayName, @PasswordHash, @Role, @EnterpriseId, @Department, @Now)
            on conflict do nothing
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            user.Id, user.Email, user.DisplayName, user.PasswordHash, user.Role, user.EnterpriseId, user.Department, Now = clock.GetUtcNow(),
        }, cancellationToken: ct));
        return (await FindByEmailAsync(email, ct))!;
    }
}
