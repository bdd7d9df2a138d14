using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.BuildingBlocks.Site;
using Marketplace.Enterprises.Profiles;
using Marketplace.Notifications.Email;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Flows.Accounts;

/// <summary>Section <c>Accounts</c>.</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";
    /// <summary>How long a claim to a firm waits for an officer before it expires.</summary>
    public TimeSpan ClaimExpiry { get; set; } = TimeSpan.FromDays(14);
}

/// <summary>What a person says about the firm they act for: name, credit code, industry, region, and their proof.</summary>
public sealed record FirmClaimCommand(string? FirmName, string? CreditCode, string? Industry, string? Region, string? Evidence);

/// <summary>A pending claim with what the directory and accounts know of its code now: a held code makes it a dispute.</summary>
public sealed record FirmClaimReview(FirmClaim Claim, Guid? FirmId, string? DirectoryName, int Holders)
{
    public bool IsDispute => Holders > 0;
}

/// <summary>
/// Claims to firms (企业认领). Signing up as a member of a firm claims its credit code; the claim stays pending — the
/// account may sign in, but applies, is recommended and blocks nobody — until an officer approves it (the account is
/// linked to the firm, created from the claim when the directory has no such code), rejects it with a reason, or it
/// expires after <see cref="AccountOptions.ClaimExpiry"/>. A claim to a code verified members already hold is a
/// dispute: the officer keeps the holders (reject) or transfers the firm to the claimant, which unlinks the former
/// members and ends their sessions. Every decision is audited and emailed to the claimant.
/// </summary>
public sealed class FirmClaims(NpgsqlDataSource db, FirmClaimStore claims, UserStore users, EnterpriseStore enterprises, RegisterEnterprise registerEnterprise,
    IOptions<AccountOptions> options, IOptions<SiteOptions> site, OutboxSignal outbox, TimeProvider clock)
{
    private string ClaimPage => $"{site.Value.BaseUrl.TrimEnd('/')}/account/claim";

    public static IReadOnlyList<Error> Check(FirmClaimCommand c, int year)
    {
        var errors = RegisterEnterprise.Check(new RegisterEnterpriseCommand(c.FirmName, c.CreditCode, c.Industry, c.Region, null), year)
            .Select(e => e with { Field = e.Field == "Name" ? "FirmName" : e.Field }).ToList();
        if ((c.Evidence?.Trim().Length ?? 0) > 1000) errors.Add(Error.Invalid("evidence_length", "证明材料说明不超过 1000 字", "Evidence"));
        return errors;
    }

    /// <summary>Opens a pending claim inside the caller's transaction (sign-up, or a signed-in account without a firm).</summary>
    internal async Task<Result<bool>> OpenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, FirmClaimCommand c, DateTimeOffset now, CancellationToken ct)
    {
        var code = c.CreditCode!.Trim().ToUpperInvariant();
        var disputed = await enterprises.FindByCreditCodeAsync(code, ct) is { } firm && await claims.HasMembersAsync(firm.Id, ct);
        var claim = new NewFirmClaim(userId, code, c.FirmName!.Trim(), c.Industry!.Trim(), c.Region!.Trim(), c.Evidence?.Trim() ?? "", disputed);
        if (await FirmClaimStore.InsertAsync(conn, tx, claim, now, options.Value.ClaimExpiry, ct) is not { } id)
            return Error.Conflict("firm_claim_pending_exists", "您已有一项待审核的企业认领，请等待审核结果");
        await AuditLog.AppendAsync(conn, tx, userId, disputed ? "firm_claim.disputed" : "firm_claim.opened", "firm_claim", id.ToString(), null,
            new { UserId = userId, CreditCode = code, claim.FirmName, Disputed = disputed }, now, ct);
        return disputed;
    }

    /// <summary>A signed-in enterprise account without a firm claims one (after an expiry, a rejection or a transfer).</summary>
    public async Task<Result<bool>> ClaimAsync(Guid userId, FirmClaimCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var user = await users.GetAsync(userId, ct);
        if (user is null || user.Role != Marketplace.Accounts.Roles.Enterprise) return Error.Forbidden("firm_claim_not_allowed", "只有企业账号可以认领企业");
        if (user.EnterpriseId is not null) return Error.Conflict("firm_claim_has_firm", "您的账号已关联企业");
        var errors = Check(c, now.Year);
        if (errors.Count > 0) return Result<bool>.Fail(errors);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var opened = await OpenAsync(conn, tx, userId, c, now, ct);
        if (!opened.IsSuccess) return opened;
        await tx.CommitAsync(ct);
        return opened;
    }

    public Task<IReadOnlyList<FirmClaim>> MineAsync(Guid userId, CancellationToken ct) => claims.ListForUserAsync(userId, ct);

    /// <summary>The officers' queue: pending claims, oldest first, each with whether its code is held (a dispute).</summary>
    public async Task<IReadOnlyList<FirmClaimReview>> ListPendingAsync(CancellationToken ct)
    {
        var reviews = new List<FirmClaimReview>();
        foreach (var claim in await claims.ListPendingAsync(ct))
        {
            var firm = await enterprises.FindByCreditCodeAsync(claim.CreditCode, ct);
            var holders = firm is null ? 0 : (await users.ListMembersAsync(firm.Id, ct)).Count;
            reviews.Add(new FirmClaimReview(claim, firm?.Id, firm?.Name, holders));
        }
        return reviews;
    }

    /// <summary>
    /// An officer's decision. Approve links the claimant to the firm (made from the claim when the directory lacks the
    /// code). When verified members hold the code the approval must say <paramref name="transfer"/>: they lose the link
    /// and their sessions. Reject needs a reason and keeps things as they are.
    /// </summary>
    public async Task<Result<FirmClaim>> DecideAsync(Guid claimId, Guid officerId, bool approve, bool transfer, string? reason, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (!approve && reason?.Length is not (>= 2 and <= 1000))
            return Error.Invalid("firm_claim_reason_required", "驳回须说明理由（2–1000 字）", "Reason");
        if (reason?.Length > 1000) return Error.Invalid("firm_claim_reason_length", "说明不超过 1000 字", "Reason");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var claim = await FirmClaimStore.GetForUpdateAsync(conn, tx, claimId, ct);
        if (claim is null) return Error.NotFound("firm_claim_not_found", "认领申请不存在");
        if (claim.Status != FirmClaimStatus.Pending) return Error.Conflict("firm_claim_decided", "该认领申请已处理或已过期");
        if (claim.ExpiresAt <= now) return Error.Conflict("firm_claim_expired", "该认领申请已过期");
        await FirmClaimStore.LockCreditCodeAsync(conn, tx, claim.CreditCode, ct);

        Guid? firmId = null;
        IReadOnlyList<Guid> former = [];
        if (approve)
        {
            var firm = await registerEnterprise.EnsureAsync(conn, tx,
                new RegisterEnterpriseCommand(claim.FirmName, claim.CreditCode, claim.Industry, claim.Region, claim.Email), ct);
            if (!firm.IsSuccess) return Result<FirmClaim>.Fail(firm.Errors);
            firmId = firm.Value.Id;
            var holders = await FirmClaimStore.MembersOfAsync(conn, tx, firmId.Value, ct);
            if (holders.Count > 0 && !transfer)
                return Error.Conflict("firm_claim_disputed", "该企业已有认证成员：请核实后选择“转移给申请人”，或驳回以保留现有成员");
            if (holders.Contains(claim.UserId)) return Error.Conflict("firm_claim_has_firm", "申请人已是该企业成员");
            if (holders.Count > 0) former = await FirmClaimStore.UnlinkMembersAsync(conn, tx, firmId.Value, now, ct);
            if (!await FirmClaimStore.LinkAsync(conn, tx, claim.UserId, firmId.Value, "owner", ct))
                return Error.Conflict("firm_claim_has_firm", "申请人的账号已关联其他企业");
        }
        var status = approve ? FirmClaimStatus.Approved : FirmClaimStatus.Rejected;
        if (!await FirmClaimStore.DecideAsync(conn, tx, claimId, status, officerId, reason, former.Count > 0, now, ct))
            return Error.Conflict("firm_claim_decided", "该认领申请已处理或已过期");
        var action = !approve ? "firm_claim.rejected" : former.Count > 0 ? "firm_claim.transferred" : "firm_claim.approved";
        await AuditLog.AppendAsync(conn, tx, officerId, action, "firm_claim", claimId.ToString(),
            new { Status = FirmClaimStatus.Pending, claim.CreditCode, FormerMembers = former },
            new { Status = status, claim.UserId, EnterpriseId = firmId, Transferred = former.Count > 0, Reason = reason }, now, ct);
        await EmailDecisionAsync(conn, tx, claim, status, reason, now, ct);
        foreach (var memberId in former)
            if (await users.GetAsync(memberId, ct) is { } member)
                await OutboxEnqueue.EmailAsync(conn, tx, EmailTemplates.Render("firm-transferred", new Dictionary<string, object?>
                {
                    ["name"] = member.DisplayName, ["firm"] = claim.FirmName, ["code"] = claim.CreditCode, ["link"] = ClaimPage,
                }, $"accounts.firm_transferred.v1:{claimId}:{memberId}", member.Email), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return claim with { Status = status, DecidedAt = now, Reason = reason, Transferred = former.Count > 0 };
    }

    /// <summary>Pending claims past their expiry are closed, audited and their claimants told; idempotent (the scheduler's step).</summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var expired = await FirmClaimStore.ExpireDueAsync(conn, tx, now, ct);
        foreach (var claim in expired)
        {
            await AuditLog.AppendAsync(conn, tx, null, "firm_claim.expired", "firm_claim", claim.Id.ToString(),
                new { Status = FirmClaimStatus.Pending }, new { Status = FirmClaimStatus.Expired, claim.CreditCode }, now, ct);
            await EmailDecisionAsync(conn, tx, claim, FirmClaimStatus.Expired, null, now, ct);
        }
        await tx.CommitAsync(ct);
        if (expired.Count > 0) outbox.Notify();
        return expired.Count;
    }

    private Task EmailDecisionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, FirmClaim claim, string status, string? reason, DateTimeOffset now, CancellationToken ct) =>
        OutboxEnqueue.EmailAsync(conn, tx, EmailTemplates.Render("firm-claim-decided", new Dictionary<string, object?>
        {
            ["name"] = claim.DisplayName, ["firm"] = claim.FirmName, ["code"] = claim.CreditCode,
            ["approved"] = status == FirmClaimStatus.Approved,
            ["outcome"] = status switch { FirmClaimStatus.Approved => "已通过", FirmClaimStatus.Rejected => "未通过", _ => "已过期" },
            ["outcomeEnglish"] = status switch { FirmClaimStatus.Approved => "approved", FirmClaimStatus.Rejected => "rejected", _ => "expired" },
            ["reason"] = reason ?? "", ["link"] = ClaimPage,
        }, $"accounts.firm_claim_decided.v1:{claim.Id}", claim.Email), now, ct);
}
