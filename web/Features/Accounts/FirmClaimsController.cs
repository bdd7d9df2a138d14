using System.ComponentModel.DataAnnotations;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.Flows.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Accounts;

public sealed class FirmClaimForm
{
    [Display(Name = "企业名称")] public string? FirmName { get; set; }
    [Display(Name = "统一社会信用代码")] public string? CreditCode { get; set; }
    [Display(Name = "所属行业")] public string? Industry { get; set; }
    [Display(Name = "注册地（如 通州区·宋庄镇）")] public string? Region { get; set; }
    [Display(Name = "核实材料说明（可选：营业执照注册号、可供核实的联系人及电话）")] public string? Evidence { get; set; }

    public FirmClaimCommand ToCommand() => new(FirmName, CreditCode, Industry, Region, Evidence);
}

public sealed record FirmClaimDecisionDto(bool Approve, bool Transfer = false, string? Reason = null);

public sealed record FirmClaimDto(string? FirmName, string? CreditCode, string? Industry, string? Region, string? Evidence = null);

/// <summary>Claims to firms (企业认领): the claimant's page and the officers' queue.</summary>
public sealed class FirmClaimsController(FirmClaims claims) : Controller
{
    /// <summary>The account's claims and, for an enterprise account without a firm and nothing pending, the form to claim one.</summary>
    [HttpGet("account/claim"), Authorize]
    public async Task<IActionResult> Mine(CancellationToken ct)
    {
        ViewBag.Claims = await claims.MineAsync(User.UserId(), ct);
        return View("Mine", new FirmClaimForm { Industry = Marketplace.Enterprises.Profiles.DirectoryLists.Industries[0] });
    }

    [HttpPost("account/claim"), Authorize, ValidateAntiForgeryToken]
    public async Task<IActionResult> Mine(FirmClaimForm form, CancellationToken ct)
    {
        var result = await claims.ClaimAsync(User.UserId(), form.ToCommand(), ct);
        if (result.IsSuccess)
        {
            TempData["Flash"] = result.Value ? "认领已提交。该企业已有认证成员，将由工作人员按争议处理。" : "认领已提交，请等待工作人员审核。";
            return Redirect("/account/claim");
        }
        result.Errors.AddTo(ModelState);
        ViewBag.Claims = await claims.MineAsync(User.UserId(), ct);
        return View("Mine", form);
    }

    [HttpGet("officer/firm-claims"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Queue(CancellationToken ct) => View("Queue", await claims.ListPendingAsync(ct));

    [HttpPost("officer/firm-claims/{id:guid}/decision"), Authorize(Roles = Roles.OfficerOrAdmin), ValidateAntiForgeryToken]
    public async Task<IActionResult> Decide(Guid id, string? decision, string? reason, CancellationToken ct)
    {
        var result = await claims.DecideAsync(id, User.UserId(), decision is "approve" or "transfer", decision == "transfer", reason, ct);
        TempData[result.IsSuccess ? "Flash" : "Error"] = result.IsSuccess
            ? result.Value.Status == FirmClaimStatus.Approved ? (result.Value.Transferred ? "已将企业转移给申请人，原成员已解除关联。" : "认领已通过。") : "认领已驳回。"
            : result.FirstError.Message;
        return Redirect("/officer/firm-claims");
    }
}

/// <summary>Claims over the API: an account without a firm claims one; officers list pending claims and decide.</summary>
[ApiController, Route("api/v1")]
public sealed class FirmClaimsApiController(FirmClaims claims) : ControllerBase
{
    [HttpGet("me/firm-claims"), Authorize]
    public async Task<IReadOnlyList<FirmClaim>> Mine(CancellationToken ct) => await claims.MineAsync(User.UserId(), ct);

    [HttpPost("me/firm-claims"), Authorize]
    public async Task<IActionResult> Claim(FirmClaimDto body, CancellationToken ct)
    {
        var result = await claims.ClaimAsync(User.UserId(), new FirmClaimCommand(body.FirmName, body.CreditCode, body.Industry, body.Region, body.Evidence), ct);
        return result.IsSuccess ? Ok(new { disputed = result.Value }) : this.Problem(result.Errors);
    }

    [HttpGet("firm-claims"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IReadOnlyList<FirmClaimReview>> Pending(CancellationToken ct) => await claims.ListPendingAsync(ct);

    /// <summary>Approve (with <c>transfer</c> when verified members hold the code) or reject with a reason.</summary>
    [HttpPost("firm-claims/{id:guid}/decision"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Decide(Guid id, FirmClaimDecisionDto body, CancellationToken ct)
    {
        var result = await claims.DecideAsync(id, User.UserId(), body.Approve, body.Transfer, body.Reason, ct);
        return result.IsSuccess ? Ok(result.Value) : this.Problem(result.Errors);
    }
}
