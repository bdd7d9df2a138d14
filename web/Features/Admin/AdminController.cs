using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Vocabulary;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.Web.Features.Accounts;
using Marketplace.Flows.Accounts;

namespace Marketplace.Web.Features.Admin;

/// <summary>Platform administration: inviting officers, reviewers and admins; the technology vocabulary.</summary>
[Route("admin"), Authorize(Roles = Roles.Admin)]
public sealed class AdminController(TechnologyVocabulary vocabulary) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        ViewBag.Vocabulary = await vocabulary.TermsAsync(ct);
        return View(new InviteForm { Role = Roles.Officer });
    }

    [HttpPost("invitations"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Invite(InviteForm form, [FromServices] UserStore users, [FromServices] AccountFlows flows, CancellationToken ct)
    {
        var me = await users.GetAsync(User.UserId(), ct);
        var result = await flows.InviteAsync(me!, form.Email, form.Role ?? "", null, form.Department, ct);
        if (result.IsSuccess)
        {
            TempData["Flash"] = $"邀请已发送至 {result.Value}。";
            return RedirectToAction(nameof(Index));
        }
        result.Errors.AddTo(ModelState);
        ViewBag.Vocabulary = await vocabulary.TermsAsync(ct);
        return View("Index", form);
    }

    /// <summary>The audit log: the latest entries and whether the hash chain holds.</summary>
    [HttpGet("audit")]
    public async Task<IActionResult> Audit([FromServices] Marketplace.Flows.Audit.AuditTrail audit, string? entityType, string? entityId, CancellationToken ct)
    {
        var (count, broken) = await audit.VerifyAsync(ct);
        ViewBag.Count = count;
        ViewBag.Broken = broken;
        return View(await audit.ListAsync(entityType, entityId, 200, ct));
    }

    [HttpGet("outbox")]
    public async Task<IActionResult> Outbox(string? status, [FromServices] Marketplace.Notifications.Outbox.OutboxAdmin outbox, CancellationToken ct)
    {
        var (counts, rows) = await outbox.ListAsync(status is "pending" or "done" or "dead" ? status : null,
            Marketplace.Scenarios.ScenarioEvents.NamingApplicants, ct);
        ViewBag.Counts = counts;
        return View(rows);
    }

    [HttpPost("outbox/{id:guid}/retry"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Retry(Guid id, [FromServices] Marketplace.Notifications.Outbox.OutboxAdmin outbox,
        [FromServices] OutboxSignal signal, CancellationToken ct)
    {
        var ok = await outbox.RetryAsync(id, ct);
        if (ok) signal.Notify();
        TempData[ok ? "Flash" : "Error"] = ok ? "已重新排队发送。" : "只有死信可以重试。";
        return RedirectToAction(nameof(Outbox), new { status = "dead" });
    }

    [HttpPost("vocabulary"), ValidateAntiForgeryToken]
    public async Task<IActionResult> AddTerm(string? term, CancellationToken ct)
    {
        var result = await vocabulary.AddAsync(term, ct);
        return this.Flash(result, _ => $"已加入词表：{result.Value}", RedirectToAction(nameof(Index)));
    }
}
