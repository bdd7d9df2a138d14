using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.BuildingBlocks.Site;
using Marketplace.Enterprises.Profiles;
using Marketplace.Notifications.Email;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Flows.Accounts;

public sealed record SignUpCommand(string? Email, string? Password, string? DisplayName, string? FirmName, string? CreditCode, string? Industry, string? Region,
    string? Evidence = null);

/// <summary>
/// Sign-up with email verification, password reset and invitations: each writes its email to the outbox in the same
/// transaction as the account change (a firm registered by Enterprises, the account and its token by Accounts).
/// </summary>
public sealed class AccountFlows(NpgsqlDataSource db, FirmClaims claims, AccountStore accounts, IOptions<SiteOptions> site,
    OutboxSignal outbox, TimeProvider clock)
{
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    private string Link(string path, string token) => $"{site.Value.BaseUrl.TrimEnd('/')}{path}?token={Uri.EscapeDataString(token)}";

    /// <summary>
    /// A person joins as a member of a firm: the account, and a pending claim to the firm's credit code that an officer
    /// checks (<see cref="FirmClaims"/>). The email must be verified before signing in; the firm link waits for the officer.
    /// </summary>
    public async Task<Result<Guid>> SignUpAsync(SignUpCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claim = new FirmClaimCommand(c.FirmName, c.CreditCode, c.Industry, c.Region, c.Evidence);
        var errors = AccountRules.CheckPerson(c.Email, c.DisplayName).Concat(AccountRules.CheckPassword(c.Password))
            .Concat(FirmClaims.Check(claim, now.Year)).ToList();
        if (errors.Count > 0) return Result<Guid>.Fail(errors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var user = new UserAccount
        {
            Id = Guid.CreateVersion7(), Email = c.Email!.Trim(), DisplayName = c.DisplayName!.Trim(), Role = Roles.Enterprise,
        };
        if (!await UserStore.InsertAsync(conn, tx, user, c.Password!, now, ct))
            return Error.Invalid("email_taken", "该邮箱已注册，请直接登录或找回密码", "Email");
        var opened = await claims.OpenAsync(conn, tx, user.Id, claim, now, ct);
        if (!opened.IsSuccess) return Result<Guid>.Fail(opened.Errors);
        var token = await accounts.IssueTokenAsync(conn, tx, user.Id, "verify_email", VerificationLifetime, now, ct);
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
        var userId = await accounts.ConsumeTokenAsync(conn, tx, token, "verify_email", now, ct);
        if (userId is null) return Error.Invalid("token_invalid", "验证链接无效或已过期，请重新注册或联系平台");
        await accounts.MarkEmailVerifiedAsync(conn, tx, userId.Value, now, ct);
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
        var user = await accounts.FindByEmailAsync(conn, tx, email, ct);
        if (user is null) return;
        var token = await accounts.IssueTokenAsync(conn, tx, user.Id, "reset_password", ResetLifetime, now, ct);
        await OutboxEnqueue.EmailAsync(conn, tx,
            AccountEmails.PasswordReset($"accounts.password_reset.v1:{user.Id}:{now.UtcTicks}", user.Email, user.DisplayName, Link("/account/reset", token)), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
    }

    public async Task<Result<Guid>> ResetPasswordAsync(string? token, string? password, CancellationToken ct)
    {
        var problems = AccountRules.CheckPassword(password);
        if (problems.Count > 0) return Result<Guid>.Fail(problems);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var userId = await accounts.ConsumeTokenAsync(conn, tx, token, "reset_password", now, ct);
        if (userId is null) return Error.Invalid("token_invalid", "重置链接无效或已过期，请重新申请");
        // A reset also proves the mailbox, clears a lockout, and invalidates other outstanding reset links.
        await accounts.SetPasswordAsync(conn, tx, userId.Value, password!, now, ct);
        await accounts.RevokeTokensAsync(conn, tx, userId.Value, "reset_password", now, ct);
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
        var errors = AccountRules.CheckPerson(email, "受邀人").ToList();
        if (role == Roles.Officer && string.IsNullOrWhiteSpace(department)) errors.Add(Error.Invalid("department_required", "请填写所属部门", "Department"));
        if (errors.Count > 0) return Result<string>.Fail(errors);

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await accounts.EmailTakenAsync(conn, tx, email!, ct)) return Error.Conflict("email_taken", "该邮箱已有账号");
        var invitation = new NewInvitation(email!.Trim(), role, role == Roles.Enterprise ? enterpriseId : null, department?.Trim(), inviter.Id);
        var (token, hash) = await accounts.InsertInvitationAsync(conn, tx, invitation, InvitationLifetime, now, ct);
        await OutboxEnqueue.EmailAsync(conn, tx, AccountEmails.Invitation($"accounts.invitation.v1:{hash}", invitation.Email, inviter.DisplayName,
            Roles.Name(role), Link("/account/accept", token)), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return invitation.Email;
    }

    public Task<InvitationView?> FindInvitationAsync(string? token, CancellationToken ct) => accounts.FindInvitationAsync(token, clock.GetUtcNow(), ct);

    public async Task<Result<Guid>> AcceptInvitationAsync(string? token, string? displayName, string? password, CancellationToken ct)
    {
        var invitation = await FindInvitationAsync(token, ct);
        if (invitation is null) return Error.Invalid("token_invalid", "邀请链接无效、已使用或已过期");
        var errors = AccountRules.CheckPerson(invitation.Email, displayName).Concat(AccountRules.CheckPassword(password)).ToList();
        if (errors.Count > 0) return Result<Guid>.Fail(errors);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await accounts.ClaimInvitationAsync(conn, tx, token!, now, ct)) return Error.Conflict("invitation_used", "邀请已被使用");
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
}
