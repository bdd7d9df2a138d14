using System.Security.Claims;
using System.Threading.RateLimiting;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Awards;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Process;

/// <summary>
/// The second rate limit on objections: per objector identity (the normalised email, the account's for a signed-in
/// filer), <c>Objections:PermitsPerIdentityPerHour</c>. The identity is in the form or body, which the rate-limiting
/// middleware does not read, so the page and the API consult this limiter once the input is known to be valid.
/// In memory per node, like the per-address policy.
/// </summary>
public sealed class ObjectionThrottle(IOptions<ObjectionOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(identity =>
        RateLimitPartition.GetFixedWindowLimiter(identity, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PermitsPerIdentityPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0,
        }));

    /// <summary>Null when the identity may file now; otherwise how long to wait.</summary>
    public TimeSpan? Acquire(string identity)
    {
        using var lease = _limiter.AttemptAcquire(identity);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromHours(1);
    }

    public static string Message(TimeSpan wait) => $"提交异议过于频繁，请 {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} 分钟后再试。";

    /// <summary>
    /// The objection form over the per-address limit goes back to the scenario page with the message, as the form's
    /// other refusals do (the API gets 429 with Retry-After from <see cref="TooManyRequests"/>).
    /// </summary>
    public static Task<bool> TryRejectFormAsync(HttpContext http, TimeSpan wait)
    {
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        if (policy != SecuritySetup.ObjectionsPolicy || http.Request.Path.StartsWithSegments("/api")
            || !Guid.TryParse(http.GetRouteValue("id")?.ToString(), out var scenarioId))
            return Task.FromResult(false);
        var tempData = http.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(http);
        tempData["Error"] = Message(wait);
        tempData.Save();
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Redirect($"/scenarios/{scenarioId}#objection");
        return Task.FromResult(true);
    }

    public void Dispose() => _limiter.Dispose();
}

/// <param name="Result">Null when the identity was over its limit.</param>
public sealed record ObjectionFilingOutcome(Result<FiledObjection>? Result, TimeSpan? RetryAfter);

/// <summary>
/// Filing an objection from a request, for the page and the API alike: a signed-in account objects as itself (its
/// email is the identity, counted at once); anyone else gives an email address that must be confirmed.
/// </summary>
public sealed class ObjectionFiling(ObjectionProcess objections, ObjectionThrottle throttle)
{
    public async Task<ObjectionFilingOutcome> FileAsync(ClaimsPrincipal user, Guid scenarioId, string? name, string? email, string? content, CancellationToken ct)
    {
        var command = user.Identity?.IsAuthenticated == true
            ? new ObjectionCommand(scenarioId, name, user.FindFirstValue(ClaimTypes.Email), content, user.UserId())
            : new ObjectionCommand(scenarioId, name, email, content);
        // Bad input is refused before it costs a permit or touches the database.
        var errors = ObjectionRules.Check(command);
        if (errors.Count > 0) return new(Result<FiledObjection>.Fail(errors), null);
        var address = ObjectionRules.Address(command.Email);
        var identity = address is null ? $"user:{command.UserId}" : ObjectionRules.IdentityKey(address);
        if (throttle.Acquire(identity) is { } wait) return new(null, wait);
        return new(await objections.FileAsync(command, ct), null);
    }
}

public sealed record ConfirmObjectionPage(string? Token, bool CanConfirm, bool Confirmed, string? Problem, Guid? ScenarioId);

/// <summary>The link in the confirmation email: a page with one button (mail scanners follow links; only a person presses it).</summary>
[Route("objections"), AllowAnonymous]
public sealed class ObjectionsController(ObjectionProcess objections) : Controller
{
    [HttpGet("confirm")]
    public async Task<IActionResult> Confirm(string? token, CancellationToken ct)
    {
        var check = await objections.CheckTokenAsync(token, ct);
        if (!check.IsSuccess) Response.StatusCode = StatusFor(check.FirstError);
        return View(new ConfirmObjectionPage(token, check.IsSuccess, false, check.IsSuccess ? null : check.FirstError.Message, check.IsSuccess ? check.Value : null));
    }

    [HttpPost("confirm"), ValidateAntiForgeryToken]
    public async Task<IActionResult> ConfirmPost(string? token, CancellationToken ct)
    {
        var result = await objections.ConfirmAsync(token, ct);
        if (!result.IsSuccess) Response.StatusCode = StatusFor(result.FirstError);
        return View("Confirm", new ConfirmObjectionPage(null, false, result.IsSuccess, result.IsSuccess ? null : result.FirstError.Message,
            result.IsSuccess ? result.Value : null));
    }

    private static int StatusFor(Error e) => e.Code switch
    {
        "objection_link_expired" => StatusCodes.Status410Gone,
        "publicity_not_open" => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status404NotFound,
    };
}
