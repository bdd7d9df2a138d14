using Marketplace.BuildingBlocks.Outbox;
using System.Net.Mail;
using Dapper;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Marketplace.Web.Notifications;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Accounts;

public sealed record SignUpCommand(string? Email, string? Password, string? DisplayName, string? FirmName, string? CreditCode, string? Industry, string? Region);

public sealed record InvitationView(string Email, string Role, Guid? EnterpriseId, string? Department);

/// <summary>Sign-up with email verification, password reset and invitations: each writes its email to the outbox in its own transaction.</summary>
public sealed class AccountFlows(NpgsqlDataSource db, RegisterEnterprise registerEnterprise, IOptions<SiteOptions> site, OutboxSignal outbox, TimeProvider clock)
{
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    private string Link(string path, string token) => $"{site.Value.BaseUrl.TrimEnd('/')}{path}?token={Uri.EscapeDataString(token)}";

    public static IReadOnlyList<Error> CheckPassword(string? password, string field = "Password")
    {
        if (password is null || password.Length < 10 || !password.Any(char.IsLetter) || !password.Any(char.IsDigit))
            return [Error.Invalid("password_weak", "密码至少 10 位，且须同时包含字母和数字", field)];
        return password.Length > 128 ? [Error.Invalid("password_long", "密码不超过 128 位", field)] : [];
    }

    private static IReadOnlyList<Error> CheckPerson(string? email, string? displayName)
    {
        var errors = new List<Error>();
        if (string.IsNullOrWhiteSpace(email) || !MailAddress.TryCreate(email.Trim(), out var parsed) || parsed.Address != email.Trim())
            errors.Add(Error.Invalid("email_invalid", "请填写有效的邮箱", "Email"));
        if (displayName?.Trim().Length is not (>= 2 and <= 40)) errors.Add(Error.Invalid("name_length", "姓名应为 2–40 个字", "DisplayName"));
        return errors;
    }

    /// <summary>A firm and its first member (the owner) join; the member must verify the email before signing in.</summary>
    public async Task<Result<Guid>> SignUpAsync(SignUpCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var firm = new RegisterEnterpriseCommand(c.FirmName, c.CreditCode, c.Industry, c.Region, c.Email);
        var errors = CheckPerson(c.Email, c.DisplayName).Concat(CheckPassword(c.Password))
            .Concat(RegisterEnterprise.Check(firm, now.Year).Select(e => e with { Field = e.Field == "Name" ? "FirmName" : e.Field }))
            .ToList();
        if (errors.Count > 0) return Result<Guid>.Fail(errors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var firmId = await registerEnterprise.HandleAsync(conn, tx, firm, ct);
        if (!firmId.IsSuccess) return Result<Guid>.Fail(firmId.Errors.Select(e => e with { Field = "CreditCode" }).ToList());
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(), Email = c.Email!.Trim(), DisplayName = c.DisplayName!.Trim(), Role = Roles.Enterprise,
            EnterpriseId = firmId.Value, FirmRole = "owner",
        };
        if (!await UserStore.InsertAsync(conn, tx, user, c.Password!, now, ct))
            return Error.Invalid("email_taken", "该邮箱已注册，请直接登录或找回密码", "Email");
        var token = await UserStore.IssueTokenAsync(conn, tx, user.Id, "verify_email", VerificationLifetime, now, ct);
        await OutboxEnqueue.EmailAsync(conn, tx,
            AccountEmails.Verification($"accounts.verify_email.v1:{user.Id}:{now.UtcTicks}", user.Email, user.DisplayName, Link("/account/verify", token)), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return user.Id;
    }

    public async Task<Result<Guid>> VerifyEmailAsync(string? token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var userId = await UserStore.ConsumeTokenAsync(conn, tx, token, "verify_email", now, ct);
        if (userId is null) return Error.Invalid("token_invalid", "验证链接无效或已过期，请重新注册或联系平台");
        await conn.ExecuteAsync(new CommandDefinition(
            "update accounts.users set email_verified_at = coalesce(email_verified_at, @now) where id = @userId", new { userId, now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return userId.Value;
    }

    /// <summary>Always answers the same way, so the form does not reveal which emails have accounts.</summary>
    public async Task RequestPasswordResetAsync(string? email, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email)) return;
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var user = await conn.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            "select id, email, display_name from accounts.users where lower(email) = lower(@email)", new { email = email.Trim() }, tx, cancellationToken: ct));
        if (user is null) return;
        var token = await UserStore.IssueTokenAsync(conn, tx, user.Id, "reset_password", ResetLifetime, now, ct);
        await OutboxEnqueue.EmailAsync(conn, tx,
            AccountEmails.PasswordReset($"accounts.password_reset.v1:{user.Id}:{now.UtcTicks}", user.Email, user.DisplayName, Link("/account/reset", token)), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
    }

    public async Task<Result<Guid>> ResetPasswordAsync(string? token, string? password, CancellationToken ct)
    {
        var problems = CheckPassword(password);
        if (problems.Count > 0) return Result<Guid>.Fail(problems);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var userId = await UserStore.ConsumeTokenAsync(conn, tx, token, "reset_password", now, ct);
        if (userId is null) return Error.Invalid("token_invalid", "重置链接无效或已过期，请重新申请");
        var user = new UserAccount { Id = userId.Value };
        // A reset also proves the mailbox, clears a lockout, and invalidates other outstanding reset links.
        await conn.ExecuteAsync(new CommandDefinition("""
            update accounts.users
            set password_hash = @hash, failed_logins = 0, locked_until = null, email_verified_at = coalesce(email_verified_at, @now)
            where id = @id
            """, new { id = userId, hash = UserStore.Hash(user, password!), now }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(
            "update accounts.tokens set used_at = @now where user_id = @id and purpose = 'reset_password' and used_at is null",
            new { id = userId, now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return userId.Value;
    }

    /// <summary>
    /// Admins invite officers, reviewers and admins; a firm's owner invites members of that firm. The invitee sets a
    /// name and password through the emailed link.
    /// </summary>
    public async Task<Result<string>> InviteAsync(UserAccount inviter, string? email, string role, Guid? enterpriseId, string? department, CancellationToken ct)
    {
        var allowed = inviter.Role == Roles.Admin
            ? role is Roles.Officer or Roles.Reviewer or Roles.Admin
            : inviter is { Role: Roles.Enterprise, FirmRole: "owner" } && role == Roles.Enterprise && enterpriseId == inviter.EnterpriseId;
        if (!allowed) return Error.Forbidden("invitation_not_allowed", "您不能发出这种邀请");
        var errors = CheckPerson(email, "受邀人").ToList();
        if (role == Roles.Officer && string.IsNullOrWhiteSpace(department)) errors.Add(Error.Invalid("department_required", "请填写所属部门", "Department"));
        if (errors.Count > 0) return Result<string>.Fail(errors);

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var taken = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from accounts.users where lower(email) = lower(@email))", new { email = email!.Trim() }, tx, cancellationToken: ct));
        if (taken) return Error.Conflict("email_taken", "该邮箱已有账号");
        var (token, hash) = UserStore.NewToken();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into accounts.invitations (token_hash, email, role, enterprise_id, department, invited_by, created_at, expires_at)
            values (@hash, @email, @role, @enterpriseId, @department, @invitedBy, @now, @expires)
            """, new
        {
            hash, email = email.Trim(), role, enterpriseId = role == Roles.Enterprise ? enterpriseId : null,
            department = department?.Trim(), invitedBy = inviter.Id, now, expires = now + InvitationLifetime,
        }, tx, cancellationToken: ct));
        await OutboxEnqueue.EmailAsync(conn, tx, AccountEmails.Invitation($"accounts.invitation.v1:{hash}", email.Trim(), inviter.DisplayName,
            RoleName(role), Link("/account/accept", token)), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return email.Trim();
    }

    public async Task<InvitationView?> FindInvitationAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token)) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<InvitationView>(new CommandDefinition("""
            select email, role, enterprise_id, department from accounts.invitations
            where token_hash = @hash and accepted_at is null and expires_at > @now
            """, new { hash = UserStore.HashToken(token), now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<Result<Guid>> AcceptInvitationAsync(string? token, string? displayName, string? password, CancellationToken ct)
    {
        var invitation = await FindInvitationAsync(token, ct);
        if (invitation is null) return Error.Invalid("token_invalid", "邀请链接无效、已使用或已过期");
        var errors = CheckPerson(invitation.Email, displayName).Concat(CheckPassword(password)).ToList();
        if (errors.Count > 0) return Result<Guid>.Fail(errors);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var claimed = await conn.ExecuteAsync(new CommandDefinition(
            "update accounts.invitations set accepted_at = @now where token_hash = @hash and accepted_at is null",
            new { now, hash = UserStore.HashToken(token!) }, tx, cancellationToken: ct));
        if (claimed == 0) return Error.Conflict("invitation_used", "邀请已被使用");
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(), Email = invitation.Email, DisplayName = displayName!.Trim(), Role = invitation.Role,
            EnterpriseId = invitation.EnterpriseId, Department = invitation.Department,
            FirmRole = invitation.Role == Roles.Enterprise ? "member" : null, EmailVerifiedAt = now,
        };
        if (!await UserStore.InsertAsync(conn, tx, user, password!, now, ct)) return Error.Conflict("email_taken", "该邮箱已有账号");
        await tx.CommitAsync(ct);
        return user.Id;
    }

    public static string RoleName(string role) => role switch
    {
        Roles.Officer => "部门经办人",
        Roles.Reviewer => "评审专家",
        Roles.Admin => "平台管理员",
        _ => "企业成员",
    };
}
