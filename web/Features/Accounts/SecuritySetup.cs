using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Marketplace.Scenarios.Awards;

namespace Marketplace.Web.Features.Accounts;

/// <summary>Section <c>Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";
    /// <summary>Sign-in, sign-up and reset requests allowed per client address and minute.</summary>
    public int LoginPermitsPerMinute { get; set; } = 10;
}

public static class SecuritySetup
{
    public const string LoginPolicy = "login";
    /// <summary>Filing objections (异议), per client address (<c>Objections:PermitsPerAddressPerHour</c>).</summary>
    public const string ObjectionsPolicy = "objections";

    /// <summary>
    /// Rate limits per client address: the account forms (429 with a Chinese message) and objections (the API answers
    /// 429 ProblemDetails with Retry-After, the form returns to the scenario page with a message).
    /// </summary>
    public static IServiceCollection AddMarketplaceSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        var objections = configuration.GetSection(ObjectionOptions.Section).Get<ObjectionOptions>() ?? new ObjectionOptions();
        services.Configure<ObjectionOptions>(configuration.GetSection(ObjectionOptions.Section));
        services.AddSingleton<ObjectionThrottle>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                if (await ObjectionThrottle.TryRejectFormAsync(context.HttpContext, retryAfter)) return;
                await TooManyRequests.WriteAsync(context.HttpContext, retryAfter, ct);
            };
            o.AddPolicy(LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginPermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.AddPolicy(ObjectionsPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = objections.PermitsPerAddressPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
        });
        return services;
    }
}

/// <summary>The answer to a request over a rate limit: Retry-After always; ProblemDetails under <c>/api</c>, a short text elsewhere.</summary>
public static class TooManyRequests
{
    public static async Task WriteAsync(HttpContext http, TimeSpan retryAfter, CancellationToken ct)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var minutes = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes));
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await http.Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = 429, Title = $"请求过于频繁，请 {minutes} 分钟后再试", Type = "https://marketplace.local/problems/rate_limited",
                Extensions = { ["code"] = "rate_limited", ["retryAfterSeconds"] = seconds },
            }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", ct);
            return;
        }
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync($"尝试过于频繁，请 {minutes} 分钟后再试。Too many attempts; try again in {minutes} minute(s).", ct);
    }
}

/// <summary>Behind a TLS proxy: the client's address and scheme come from X-Forwarded-For / -Proto, trusted only from
/// loopback and the proxies listed in <c>ForwardedHeaders:KnownProxies</c> (comma-separated addresses).</summary>
public static class ForwardedHeadersSetup
{
    public static WebApplication UseMarketplaceForwardedHeaders(this WebApplication app)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto };
        foreach (var proxy in (app.Configuration["ForwardedHeaders:KnownProxies"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (System.Net.IPAddress.TryParse(proxy, out var address)) options.KnownProxies.Add(address);
        app.UseForwardedHeaders(options);
        return app;
    }
}

/// <summary>
/// Cross-site requests cannot change state through the JSON API: a cookie-authenticated POST/PUT/PATCH/DELETE under
/// <c>/api</c> must carry the antiforgery token in the <c>X-CSRF-TOKEN</c> header (a script gets it from
/// <c>GET /api/v1/antiforgery</c>); another site can make the browser send the cookie, not the header. Calls without a
/// session cookie carry no ambient authority and pass — among them API-token calls (<c>Authorization: Bearer</c>, see
/// <see cref="ApiTokenAuthentication"/>), which a browser never sends by itself.
/// </summary>
public static class ApiAntiforgery
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public static IServiceCollection AddApiAntiforgery(this IServiceCollection services) =>
        services.AddAntiforgery(o => o.HeaderName = HeaderName);

    public static WebApplication UseApiAntiforgery(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var unsafeMethod = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                                 || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method));
            if (unsafeMethod && context.Request.Path.StartsWithSegments("/api")
                && context.User.Identity is { IsAuthenticated: true, AuthenticationType: Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme })
            {
                var antiforgery = context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>();
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
                    {
                        Status = 400, Title = "请求缺少防跨站伪造令牌（X-CSRF-TOKEN），请先获取 /api/v1/antiforgery",
                        Type = "https://marketplace.local/problems/antiforgery_required", Extensions = { ["code"] = "antiforgery_required" },
                    }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
                    return;
                }
            }
            await next();
        });
        return app;
    }
}
