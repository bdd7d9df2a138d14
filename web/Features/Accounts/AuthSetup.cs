using System.Security.Claims;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Marketplace.Web.Features.Accounts;

public static class AuthSetup
{
    /// <summary>The account's security stamp when the session began; a session whose stamp is no longer current ends.</summary>
    public const string StampClaim = "security_stamp";
    /// <summary>When the session began (Unix seconds): sliding renewals never take it past the absolute lifetime.</summary>
    public const string AuthTimeClaim = "auth_time";

    private const string SessionCheckFailure = "marketplace.session-check-failure";

    /// <summary>
    /// Authentication, then: when the session could not be checked because the database is away, the request fails
    /// like any other that needs the database (503 with Retry-After) — except while the error page itself renders.
    /// </summary>
    public static IApplicationBuilder UseMarketplaceAuthentication(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        return app.Use(async (context, next) =>
        {
            if (context.Items[SessionCheckFailure] is Exception e
                && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>() is null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
            await next(context);
        });
    }

    public static IServiceCollection AddMarketplaceAuth(this IServiceCollection services, IHostEnvironment environment, IConfiguration configuration)
    {
        var absolute = configuration.GetValue<TimeSpan?>("Security:AbsoluteSessionLifetime") ?? TimeSpan.FromHours(12);
        services.AddOptions<Marketplace.Accounts.Api.ApiTokenOptions>().Bind(configuration.GetSection(Marketplace.Accounts.Api.ApiTokenOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        // Pages know only the session cookie; under /api a request with "Authorization: Bearer" is judged by its API token
        // alone (a bad token is 401 even with a cookie beside it), every other one by the cookie. [Authorize] names no scheme.
        services.AddAuthentication(ApiTokenAuthentication.CookieOrToken)
            .AddPolicyScheme(ApiTokenAuthentication.CookieOrToken, "Session cookie, or an API token under /api", o =>
                o.ForwardDefaultSelector = ctx => ApiTokenAuthentication.IsBearerApiCall(ctx.Request)
                    ? ApiTokenAuthentication.Scheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication.Handler>(ApiTokenAuthentication.Scheme, null)
            .AddCookie(o =>
            {
                o.LoginPath = "/account/login";
                o.AccessDeniedPath = "/account/denied";
                o.Cookie.Name = "marketplace.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Always Secure outside development and tests: behind a TLS proxy the app may see plain HTTP (forwarded headers
                // restore the scheme, but the cookie must not depend on them).
                o.Cookie.SecurePolicy = environment.IsDevelopment() || environment.IsEnvironment("Testing")
                    ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                // The JSON API answers 401/403; only HTML pages redirect to the login form.
                o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
                o.Events.OnSigningIn = async ctx =>
                {
                    var services = ctx.HttpContext.RequestServices;
                    var identity = (ClaimsIdentity)ctx.Principal!.Identity!;
                    var stamp = await services.GetRequiredService<UserStore>().SecurityStampAsync(ctx.Principal.UserId(), ctx.HttpContext.RequestAborted);
                    identity.AddClaim(new Claim(StampClaim, stamp?.ToString() ?? ""));
                    identity.AddClaim(new Claim(AuthTimeClaim, services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds().ToString()));
                };
                // Each request checks the session against the account (one primary-key read): a password reset or "sign out
                // everywhere" ends older sessions at once, and no session outlives the absolute lifetime.
                o.Events.OnValidatePrincipal = async ctx =>
                {
                    var services = ctx.HttpContext.RequestServices;
                    var principal = ctx.Principal!;
                    SessionState? current;
                    try
                    {
                        current = await services.GetRequiredService<UserStore>().SessionStateAsync(principal.UserId(), ctx.HttpContext.RequestAborted);
                    }
                    catch (Exception e) when (Marketplace.BuildingBlocks.Data.DatabaseAvailability.IsUnavailable(e))
                    {
                        // The database is away. Throwing here would be cached as this request's authentication result and
                        // thrown again while the error page renders (a bare 500): instead the session counts for nothing in
                        // this request, and UseMarketplaceAuthentication throws just after, so the page answers 503.
                        ctx.HttpContext.Items[SessionCheckFailure] = e;
                        ctx.RejectPrincipal();
                        return;
                    }
                    var began = long.TryParse(principal.FindFirstValue(AuthTimeClaim), out var t) ? DateTimeOffset.FromUnixTimeSeconds(t) : DateTimeOffset.MinValue;
                    var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                    if (current is null || principal.FindFirstValue(StampClaim) != current.SecurityStamp.ToString() || now - began > absolute)
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                        return;
                    }
                    // An officer approved the account's claim since the session began: the session acts for the firm from now on.
                    if (principal.EnterpriseId() != current.EnterpriseId && await services.GetRequiredService<UserStore>().GetAsync(principal.UserId(), ctx.HttpContext.RequestAborted) is { } user)
                    {
                        var refreshed = ToPrincipal(user);
                        ((ClaimsIdentity)refreshed.Identity!).AddClaims(principal.Claims.Where(c => c.Type is StampClaim or AuthTimeClaim).Select(c => new Claim(c.Type, c.Value)));
                        ctx.ReplacePrincipal(refreshed);
                        ctx.ShouldRenew = true;
                    }
                };
            });
        services.AddAuthorization();
        return services;
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api")) ctx.Response.StatusCode = status;
        else ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>The claims of a session or an API token: the account's id, name, role, and its firm or department.</summary>
    public static ClaimsPrincipal ToPrincipal(UserAccount user, string authenticationType = CookieAuthenticationDefaults.AuthenticationScheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.DisplayName),
            new(ClaimTypes.Email, user.Email),
            new(ClaimTypes.Role, user.Role),
        };
        if (user.EnterpriseId is { } firm) claims.Add(new(Roles.EnterpriseIdClaim, firm.ToString()));
        if (user.Department is { } dept) claims.Add(new(Roles.DepartmentClaim, dept));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    public static Guid UserId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);

    public static Guid? EnterpriseId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Roles.EnterpriseIdClaim), out var id) ? id : null;
}
