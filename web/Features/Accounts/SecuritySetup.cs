using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

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

    /// <summary>Rate limits on the account forms, per client address, answering 429 with a Chinese message.</summary>
    public static IServiceCollection AddMarketplaceSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync("尝试过于频繁，请一分钟后再试。Too many attempts; try again in a minute.", ct);
            };
            o.AddPolicy(LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginPermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
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
