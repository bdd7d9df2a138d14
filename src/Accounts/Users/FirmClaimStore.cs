using Dapper;
using Npgsql;

namespace Marketplace.Accounts.Users;

public static class FirmClaimStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
}

/// <summary>A person's claim to act for the firm with a credit code (统一社会信用代码), as officers and the claimant see it.</summary>
public sealed record FirmClaim
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public bool EmailVerified { get; init; }
    public string CreditCode { get; init; } = "";
    public string FirmName { get; init; } = "";
    public string Industry { get; init; } = "";
    public string Region { get; init; } = "";
    public string Evidence { get; init; } = "";
    public bool Disputed { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? Reason { get; init; }
    public bool Transferred { get; init; }
}

public sealed record NewFirmClaim(Guid UserId, string CreditCode, string FirmName, string Industry, string Region, string Evidence, bool Disputed);

/// <summary>
/// Claims to firms and the links between accounts and firms. A claim stays pending until an officer decides or it
/// expires; only an approval links the account to the firm. Writes take the caller's transaction, so a decision, its
/// links, its audit entry and its email commit together.
/// </summary>
public sealed class FirmClaimStore(NpgsqlDataSource db)
{
    private const string Select = """
        select c.id, c.user_id, u.email, u.display_name, u.email_verified_at is not null as email_verified, c.credit_code,
               c.firm_name, c.industry, c.region, c.evidence, c.disputed, c.status, c.created_at, c.expires_at, c.decided_at,
               c.reason, c.transferred
        from accounts.firm_claims c join accounts.users u on u.id = c.user_id
        """;

    /// <summary>Records a pending claim; null when the person already has one open.</summary>
    public static Task<Guid?> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NewFirmClaim c, DateTimeOffset now, TimeSpan expiry, CancellationToken ct) =>
        conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            insert into accounts.firm_claims (id, user_id, credit_code, firm_name, industry, region, evidence, disputed, status, created_at, expires_at)
            values (@Id, @UserId, @CreditCode, @FirmName, @Industry, @Region, @Evidence, @Disputed, 'pending', @now, @expires)
            on conflict (user_id) where status = 'pending' do nothing
            returning id
            """, new { Id = Guid.CreateVersion7(), c.UserId, c.CreditCode, c.FirmName, c.Industry, c.Region, c.Evidence, c.Disputed, now, expires = now + expiry },
            tx, cancellationToken: ct));

    /// <summary>Pending claims, oldest first (the officers' queue).</summary>
    public async Task<IReadOnlyList<FirmClaim>> ListPendingAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<FirmClaim>(new CommandDefinition(
            Select + " where c.status = 'pending' order by c.created_at limit 500", cancellationToken: ct))).ToList();
    }

    /// <summary>A person's own claims, newest first.</summary>
    public async Task<IReadOnlyList<FirmClaim>> ListForUserAsync(Guid userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<FirmClaim>(new CommandDefinition(
            Select + " where c.user_id = @userId order by c.created_at desc", new { userId }, cancellationToken: ct))).ToList();
    }

    /// <summary>One claim, locked for a decision.</summary>
    public static Task<FirmClaim?> GetForUpdateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<FirmClaim>(new CommandDefinition(Select + " where c.id = @id for update of c", new { id }, tx, cancellationToken: ct));

    /// <summary>
    /// Serialises decisions about one credit code (two officers approving two claims to one fresh code at once would
    /// otherwise both find it unheld). Released at commit.
    /// </summary>
    public static Task LockCreditCodeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string creditCode, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtext('firm_claim:' || @creditCode))", new { creditCode }, tx, cancellationToken: ct));

    /// <summary>Ends a pending claim; false when it was no longer pending (another decision or expiry won).</summary>
    public static async Task<bool> DecideAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, string status, Guid? decidedBy, string? reason,
        bool transferred, DateTimeOffset now, CancellationToken ct) =>
        await conn.ExecuteAsync(new CommandDefinition("""
            update accounts.firm_claims set status = @status, decided_by = @decidedBy, decided_at = @now, reason = @reason, transferred = @transferred
            where id = @id and status = 'pending'
            """, new { id, status, decidedBy, now, reason, transferred }, tx, cancellationToken: ct)) == 1;

    /// <summary>Pending claims past their expiry become expired, in one statement; returns them.</summary>
    public static async Task<IReadOnlyList<FirmClaim>> ExpireDueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        var ids = (await conn.QueryAsync<Guid>(new CommandDefinition("""
            update accounts.firm_claims set status = 'expired', decided_at = @now
            where status = 'pending' and expires_at <= @now
            returning id
            """, new { now }, tx, cancellationToken: ct))).ToArray();
        if (ids.Length == 0) return [];
        return (await conn.QueryAsync<FirmClaim>(new CommandDefinition(Select + " where c.id = any(@ids)", new { ids }, tx, cancellationToken: ct))).ToList();
    }

    /// <summary>The accounts linked to a firm (its verified members).</summary>
    public static async Task<IReadOnlyList<Guid>> MembersOfAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid enterpriseId, CancellationToken ct) =>
        (await conn.QueryAsync<Guid>(new CommandDefinition(
            "select id from accounts.users where enterprise_id = @enterpriseId order by id", new { enterpriseId }, tx, cancellationToken: ct))).ToList();

    public async Task<bool> HasMembersAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from accounts.users where enterprise_id = @enterpriseId)", new { enterpriseId }, cancellationToken: ct));
    }

    /// <summary>Links an account without a firm to one; false when the account has a firm already.</summary>
    public static async Task<bool> LinkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, Guid enterpriseId, string firmRole, CancellationToken ct) =>
        await conn.ExecuteAsync(new CommandDefinition("""
            update accounts.users set enterprise_id = @enterpriseId, firm_role = @firmRole
            where id = @userId and role = 'enterprise' and enterprise_id is null
            """, new { userId, enterpriseId, firmRole }, tx, cancellationToken: ct)) == 1;

    /// <summary>
    /// A transfer: every member of the firm loses the link and every session they hold ends (new security stamp), and
    /// invitations to the firm not yet accepted stop working. Returns the former members.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> UnlinkMembersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid enterpriseId, DateTimeOffset now, CancellationToken ct)
    {
        var former = (await conn.QueryAsync<Guid>(new CommandDefinition("""
            update accounts.users set enterprise_id = null, firm_role = null, security_stamp = gen_random_uuid()
            where enterprise_id = @enterpriseId
            returning id
            """, new { enterpriseId }, tx, cancellationToken: ct))).ToList();
        await conn.ExecuteAsync(new CommandDefinition("""
            update accounts.invitations set expires_at = @now where enterprise_id = @enterpriseId and accepted_at is null and expires_at > @now
            """, new { enterpriseId, now }, tx, cancellationToken: ct));
        return former;
    }
}
