using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Demo;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>The monitoring dashboard in Chromium on demo data: four charts drawn by Chart.js (installed through npm), and a screenshot.</summary>
public sealed class DashboardBrowserTests(DemoMarketplaceApp app) : IClassFixture<DemoMarketplaceApp>
{
    [BrowserFact]
    public async Task Dashboard_RendersItsChartsFromThePagesFigures()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var errors = new List<string>();
        var page = Browsers.Watch(await browser.NewPageAsync(new() { BaseURL = app.ServerAddress, Locale = "zh-CN", ViewportSize = new() { Width = 1280, Height = 900 } }), errors);
        await Browsers.SignInAsync(page, "officer@demo.gov.cn", DemoData.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "监测调度" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "监测调度", Level = 1 })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.dashboardCharts === 5");
        // Each canvas holds a drawn chart: Chart.js knows it, and the canvas has painted pixels.
        var drawn = await page.EvaluateAsync<int>("""
            () => [...document.querySelectorAll('canvas[data-chart]')].filter(c => {
                if (!Chart.getChart(c)) return false;
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
                return false;
            }).length
            """);
        Assert.Equal(5, drawn);
        Assert.Empty(errors);
        await Assertions.Expect(page.Locator("#funnel")).ToContainTextAsync("发布");
        await page.ScreenshotAsync(new() { Path = Browsers.ScreenshotPath("dashboard-zh.png"), FullPage = true });
    }
}
