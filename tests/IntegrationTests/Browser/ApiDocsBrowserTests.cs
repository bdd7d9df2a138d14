using Marketplace.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>The API reference (Scalar) works under its Content-Security-Policy: the UI starts and lists the API.</summary>
public sealed class ApiDocsBrowserTests(ListeningMarketplaceApp app) : IClassFixture<ListeningMarketplaceApp>
{
    [BrowserFact]
    public async Task ApiReference_RendersTheOperations_WithNothingRefused()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var problems = new List<string>();
        var page = Browsers.Watch(await browser.NewPageAsync(new() { BaseURL = app.ServerAddress, Locale = "zh-CN", ViewportSize = new() { Width = 1280, Height = 900 } }), problems);

        await page.GotoAsync("/api/docs");
        await Assertions.Expect(page.GetByText("/api/v1/scenarios").First).ToBeAttachedAsync();
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath("api-docs.png") });
        Assert.Empty(problems);
    }
}
