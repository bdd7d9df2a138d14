using Marketplace.Notifications.Preferences;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Notifications;

/// <summary>One-click unsubscribe (RFC 8058) and the preferences page.</summary>
public sealed class UnsubscribeController(Unsubscribe unsubscribe) : Controller
{
    /// <summary>The link opened in a browser: a page with one button (a GET never changes anything).</summary>
    [HttpGet("/unsubscribe/{token}")]
    public async Task<IActionResult> Confirm(string token, CancellationToken ct)
    {
        var who = await unsubscribe.ReadAsync(token, ct);
        if (who is null) return NotFound();
        ViewBag.Token = token;
        ViewBag.Kind = Unsubscribe.Kinds[who.Value.Kind];
        return View("Unsubscribe", who.Value.Email);
    }

    /// <summary>The one-click POST mail clients send: no session, no antiforgery token (the signed link is the proof), no redirect.</summary>
    [HttpPost("/unsubscribe/{token}"), IgnoreAntiforgeryToken]
    public async Task<IActionResult> OneClick(string token, CancellationToken ct)
    {
        var who = await unsubscribe.ReadAsync(token, ct);
        if (who is null) return NotFound();
        await unsubscribe.SetAsync(who.Value.Email, who.Value.Kind, on: false, ct);
        return Content($"已退订：{Unsubscribe.Kinds[who.Value.Kind]}。Unsubscribed.", "text/plain; charset=utf-8");
    }

    [HttpGet("/account/preferences"), Authorize]
    public async Task<IActionResult> Preferences(CancellationToken ct) =>
        View(await unsubscribe.TurnedOffAsync(User.FindFirst(System.Security.Claims.ClaimTypes.Email)!.Value, ct));

    [HttpPost("/account/preferences"), Authorize, ValidateAntiForgeryToken]
    public async Task<IActionResult> Preferences(List<string> on, CancellationToken ct)
    {
        var email = User.FindFirst(System.Security.Claims.ClaimTypes.Email)!.Value;
        foreach (var kind in Unsubscribe.Kinds.Keys) await unsubscribe.SetAsync(email, kind, on.Contains(kind), ct);
        TempData["Flash"] = "邮件偏好已保存。";
        return Redirect("/account/preferences");
    }
}
