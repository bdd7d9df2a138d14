using Microsoft.AspNetCore.Server.Kestrel.Core;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Security headers on every answer (pages, API, static files, error pages), by NetEscapades.AspNetCore.SecurityHeaders.
/// The pages load scripts and styles only from the site itself (no inline script, style or event handler anywhere in
/// the views: a unit test and the browser tests keep it so). The API reference page (Scalar) gets its own policy: its
/// inline start-up script carries a per-request nonce, and its UI writes inline styles.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy of the Scalar API reference at <c>/api/docs</c>.</summary>
    public const string ApiDocsPolicy = "api-docs";

    private const int OneYear = 365 * 24 * 60 * 60;

    public static IServiceCollection AddMarketplaceSecurityHeaders(this IServiceCollection services)
    {
        // Kestrel writes its Server header after the middleware has run; only Kestrel itself can leave it out.
        services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
        services.AddSecurityHeaderPolicies((policies, provider) =>
        {
            var environment = provider.GetRequiredService<IHostEnvironment>();
            // HSTS pins browsers to HTTPS for a year: never on a developer's or a test machine's localhost.
            var hsts = !environment.IsDevelopment() && !environment.IsEnvironment("Testing");
            policies.SetDefaultPolicy(p => Common(p, hsts).AddContentSecurityPolicy(csp =>
            {
                Shared(csp);
                csp.AddScriptSrc().Self();
                csp.AddStyleSrc().Self();
            }));
            policies.AddPolicy(ApiDocsPolicy, p => Common(p, hsts).AddContentSecurityPolicy(csp =>
            {
                Shared(csp);
                csp.AddScriptSrc().Self().WithNonce();
                // Scalar's UI (Vue) sets style attributes and writes style elements as it renders.
                csp.AddStyleSrc().Self().UnsafeInline();
            }));
        });
        return services;
    }

    /// <summary>First in the pipeline, so that static files, error pages and rejected requests carry the headers too.</summary>
    public static WebApplication UseMarketplaceSecurityHeaders(this WebApplication app)
    {
        app.UseSecurityHeaders();
        return app;
    }

    private static HeaderPolicyCollection Common(HeaderPolicyCollection policy, bool hsts)
    {
        policy.AddContentTypeOptionsNoSniff()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddFrameOptionsDeny()
            .RemoveServerHeader();
        // The library sends it on HTTPS answers only, as the standard says.
        if (hsts) policy.AddStrictTransportSecurityMaxAge(OneYear);
        return policy;
    }

    private static void Shared(CspBuilder csp)
    {
        csp.AddDefaultSrc().Self();
        csp.AddObjectSrc().None();
        csp.AddBaseUri().Self();
        csp.AddFormAction().Self();
        csp.AddFrameAncestors().None();
    }
}
