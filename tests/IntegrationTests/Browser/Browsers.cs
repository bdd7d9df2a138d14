using Marketplace.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>Debian's Chromium, headless, with the flags this closed network needs (never Playwright's own download).</summary>
public static class Browsers
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = TestServers.ChromiumPath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>Screenshots go to artifacts/screenshots at the repository root (or SCREENSHOT_DIR).</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Environment.GetEnvironmentVariable("SCREENSHOT_DIR");
        if (string.IsNullOrEmpty(dir))
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Marketplace.sln"))) root = root.Parent;
            dir = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        }
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
