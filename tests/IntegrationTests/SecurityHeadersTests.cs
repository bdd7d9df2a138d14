using System.Net;
using System.Text.RegularExpressions;
using Marketplace.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.IntegrationTests;

/// <summary>Pages, the API, static files and the API reference carry the security headers, over real Kestrel.</summary>
public sealed class SecurityHeadersTests(ListeningMarketplaceApp app) : IClassFixture<ListeningMarketplaceApp>
{
    private HttpClient Client() => new() { BaseAddress = new Uri(app.ServerAddress) };

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"No {name} header on {response.RequestMessage?.RequestUri}");

    /// <summary>The directives of a Content-Security-Policy, by name.</summary>
    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        Header(response, "Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2)).ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");

    private static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"), ignoreCase: true);
        Assert.False(response.Headers.Contains("Server"), "no Server header");
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "no HSTS in Testing");
        var csp = Directives(response);
        Assert.Equal("'self'", csp["default-src"]);
        Assert.Equal("'none'", csp["object-src"]);
        Assert.Equal("'self'", csp["base-uri"]);
        Assert.Equal("'self'", csp["form-action"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
    }

    [PostgresFact]
    public async Task PagesApiStaticFilesAndErrors_CarryTheSecurityHeaders_WithScriptsAndStylesFromTheSiteOnly()
    {
        var client = Client();
        foreach (var (path, status) in new[]
                 {
                     ("/scenarios", HttpStatusCode.OK), ("/account/login", HttpStatusCode.OK), ("/api/v1/scenarios", HttpStatusCode.OK),
                     ("/css/site.css", HttpStatusCode.OK), ("/no-such-page", HttpStatusCode.NotFound),
                 })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
            AssertCommonHeaders(response);
            var csp = Directives(response);
            Assert.Equal("'self'", csp["script-src"]);
            Assert.Equal("'self'", csp["style-src"]);
        }
    }

    [PostgresFact]
    public async Task ApiReference_AllowsOnlyItsOwnNoncedInlineScript()
    {
        using var response = await Client().GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCommonHeaders(response);
        var scriptSrc = Directives(response)["script-src"];
        var nonce = Regex.Match(scriptSrc, "^'self' 'nonce-([^']+)'$").Groups[1].Value;
        Assert.NotEmpty(nonce);
        var html = await response.Content.ReadAsStringAsync();
        var scripts = Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", WebUtility.HtmlDecode(tag)));
        using var again = await Client().GetAsync("/api/docs");
        Assert.NotEqual(scriptSrc, Directives(again)["script-src"]); // a fresh nonce each time
    }

    [PostgresFact]
    public async Task OutsideDevelopmentAndTesting_HttpsAnswersCarryHstsForAYear()
    {
        // Not localhost: the library, like ASP.NET Core's own HSTS middleware, never pins a loopback name.
        await using var production = app.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://marketplace.test") });
        using var response = await client.GetAsync("/scenarios");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
    }
}
