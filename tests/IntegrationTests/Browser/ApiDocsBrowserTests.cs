using Marketplace.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// The API reference (Scalar) works under its Content-Security-Policy and offline: the UI starts and lists the API, asks
/// nothing of another site, shows the site's header and how to authenticate, and none of the tool's own promotion.
/// </summary>
public sealed class ApiDocsBrowserTests(ListeningMarketplaceApp app) : IClassFixture<ListeningMarketplaceApp>
{
    [BrowserFact]
    public async Task ApiReference_RendersTheOperations_WithNothingRefused()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await browser.NewPageAsync(new() { BaseURL = app.ServerAddress, Locale = "zh-CN", ViewportSize = new() { Width = 1280, Height = 900 } }), problems);

        var elsewhere = new List<string>();
        var origin = new Uri(app.ServerAddress);
        page.Request += (_, r) =>
        {
            if (Uri.TryCreate(r.Url, UriKind.Absolute, out var u) && u.Scheme.StartsWith("http") && (u.Host != origin.Host || u.Port != origin.Port))
                lock (elsewhere) elsewhere.Add(r.Url);
        };

        await page.GotoAsync("/api/docs");
        await Assertions.Expect(page.GetByText("/api/v1/scenarios").First).ToBeAttachedAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "应用场景供需对接平台" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "身份验证" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Authorization: Bearer <token>")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Idempotency-Key: <unique value>")).ToBeVisibleAsync();
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("Ask AI", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Deploy", text, StringComparison.OrdinalIgnoreCase);
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath("api-docs.png") });

        // The language link of the page's header (a path with the slash, which Scalar does not redirect, so the query stays).
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Authentication" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("/account").First).ToBeVisibleAsync();
        Assert.Empty(problems);
        Assert.Empty(elsewhere);
    }
}
