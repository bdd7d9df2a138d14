using System.Security.Claims;
using System.Text.Encodings.Web;
using Marketplace.Accounts.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Features.Accounts;

/// <summary>
/// <c>Authorization: Bearer mkt_…</c> on <c>/api/**</c>: a personal API token acts as its owner with the owner's current
/// role, firm and department — never more than the person could do signed in. It is not ambient (a browser never sends it
/// by itself), so the API's antiforgery check does not apply to it.
/// </summary>
public static class ApiTokenAuthentication
{
    public const string Scheme = "ApiToken";
    /// <summary>The default scheme: forwards to the API token scheme or the session cookie (<see cref="IsBearerApiCall"/>).</summary>
    public const string CookieOrToken = "CookieOrApiToken";
    /// <summary>The token a request was authenticated with (its id, not its secret).</summary>
    public const string TokenIdClaim = "api_token_id";

    public static bool IsBearerApiCall(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") && BearerSecret(request) is not null;

    /// <summary>What follows "Bearer" in the Authorization header (empty when nothing does), or null for no bearer header.</summary>
    private static string? BearerSecret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase)) return null;
        if (header.Length == 6) return "";
        return header[6] == ' ' ? header[7..].Trim() : null;
    }

    /// <summary>
    /// The OpenAPI description declares the scheme (HTTP bearer) and names it on every operation that needs a signed-in
    /// caller, so clients and the reference page offer the token field there.
    /// </summary>
    public static void Describe(Microsoft.AspNetCore.OpenApi.OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "mkt_…",
                Description = "个人 API 令牌（账号页面创建）：Authorization: Bearer mkt_…。A personal API token from the account page; " +
                              "a signed-in browser session works too, with the X-CSRF-TOKEN header on changing calls.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any() && !metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
                operation.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
            return Task.CompletedTask;
        });
    }

    public sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokens tokens)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!IsBearerApiCall(Request)) return AuthenticateResult.NoResult();
            var caller = await tokens.AuthenticateAsync(BearerSecret(Request), Context.RequestAborted);
            if (caller is null) return AuthenticateResult.Fail("The API token is unknown, revoked or expired, or its account's sessions were ended.");
            var principal = AuthSetup.ToPrincipal(caller.User, Scheme.Name);
            ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(TokenIdClaim, caller.TokenId.ToString()));
            return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
        }

        /// <summary>401 with the RFC 6750 challenge; the body (ProblemDetails) comes from the API's status code pages.</summary>
        protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            var result = await HandleAuthenticateOnceSafeAsync();
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        }
    }
}
