using Marketplace.Flows.Notices;
using Marketplace.Web.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Notifications;

/// <summary>What a person follows and how often they hear of it (即时 / 每日 / 每周).</summary>
[Route("account/follows"), Authorize]
public sealed class FollowsController(Follows follows) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await follows.ListAsync(User.UserId(), ct));

    [HttpPost(""), ValidateAntiForgeryToken]
    public async Task<IActionResult> Add(string? kind, string? value, string? returnUrl, CancellationToken ct)
    {
        var r = await follows.AddAsync(User.UserId(), kind, value, ct);
        return this.Flash(r, _ => "已关注。", Url.IsLocalUrl(returnUrl) ? Redirect(returnUrl) : RedirectToAction(nameof(Index)));
    }

    [HttpPost("remove"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Remove(string? kind, string? value, string? returnUrl, CancellationToken ct)
    {
        await follows.RemoveAsync(User.UserId(), kind, value, ct);
        TempData["Flash"] = "已取消关注。";
        return Url.IsLocalUrl(returnUrl) ? Redirect(returnUrl) : RedirectToAction(nameof(Index));
    }

    [HttpPost("frequency"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Frequency(string? frequency, CancellationToken ct)
    {
        var r = await follows.SetFrequencyAsync(User.UserId(), frequency, ct);
        return this.Flash(r, _ => "提醒方式已保存。", RedirectToAction(nameof(Index)));
    }
}
