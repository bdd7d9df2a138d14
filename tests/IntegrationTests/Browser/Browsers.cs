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

    /// <summary>
    /// Records what a person would find broken on the page: script errors, and whatever the Content-Security-Policy
    /// refused (Chromium reports those on the console, not as page errors).
    /// </summary>
    public static IPage Watch(IPage page, List<string> problems)
    {
        page.PageError += (_, e) => { lock (problems) problems.Add(e); };
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && m.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                lock (problems) problems.Add(m.Text);
        };
        return page;
    }

    /// <summary>Signs in through the login page and waits until the page shows the signed-in header.</summary>
    public static async Task SignInAsync(IPage page, string email, string password, UiText? ui = null)
    {
        ui ??= UiText.Chinese;
        await page.GotoAsync("/account/login");
        await page.GetByLabel(ui["邮箱"]).FillAsync(email);
        await page.GetByLabel(ui["密码"]).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = ui["登录"] }).Last.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = ui["退出"], Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Fills the application form's required parts: approach, quote, team, schedule and both declarations.</summary>
    public static async Task FillProposalAsync(IPage page, string approach, string quote, UiText? ui = null)
    {
        ui ??= UiText.Chinese;
        await page.GetByRole(AriaRole.Textbox, new() { Name = ui["技术方案"], Exact = true }).FillAsync(approach);
        await page.GetByLabel(ui["报价（万元）"]).FillAsync(quote);
        await page.GetByLabel(ui["项目团队（负责人、核心成员及分工）"]).FillAsync(TestData.Team);
        await page.GetByLabel(ui["进度安排"]).FillAsync(TestData.Schedule);
        await DeclareAsync(page, ui);
    }

    /// <summary>Ticks both declarations of the application form.</summary>
    public static async Task DeclareAsync(IPage page, UiText ui)
    {
        await page.GetByLabel(ui["本企业承诺申报材料真实、准确、完整"]).CheckAsync();
        await page.GetByLabel(ui["本企业承诺本项目未重复申请财政资金支持"]).CheckAsync();
    }

    /// <summary>
    /// Publishes a draft from the officer's list: the row's “发布” link opens the invitation preview, which is confirmed
    /// with the firms it ticks (none unless invitations at publication are configured).
    /// </summary>
    public static async Task PublishFromWorkbenchAsync(IPage officer, string title, UiText? ui = null)
    {
        ui ??= UiText.Chinese;
        await officer.GotoAsync("/officer?q=" + Uri.EscapeDataString(title));
        await officer.GetByRole(AriaRole.Link, new() { Name = $"{ui["发布"]} {title}" }).ClickAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = ui["发布并邀请所选企业"] }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync(ui["场景已发布（张榜），公众可检索并申报；未邀请企业（可在“推荐企业”页邀请）。"]);
    }

    /// <summary>The two widths every journey is walked at: a desktop (1366×900) and a phone (390×844).</summary>
    public static (int Width, int Height) Viewport(string size) => size switch
    {
        "desktop" => (1366, 900),
        "phone" => (390, 844),
        _ => throw new ArgumentException($"No viewport named {size}.", nameof(size)),
    };

    /// <summary>
    /// Nothing on the page is wider than the window (no sideways scrolling on a phone), and the header's account links
    /// and language switch are all in sight (none pushed out of a row by longer words).
    /// </summary>
    public static async Task AssertFitsAsync(IPage page, int width)
    {
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        if (scrollWidth > width + 1)
        {
            // Name what sticks out, so an intermittent overflow can be traced from the log alone.
            var wide = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                  .slice(0, 6)
                  .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : ''} right=${Math.round(e.getBoundingClientRect().right)} "${(e.textContent || '').trim().slice(0, 40)}"`)
                """);
            Assert.Fail($"{page.Url} is {scrollWidth}px wide in a {width}px window; sticking out: {string.Join(" | ", wide)}");
        }
        var hidden = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('header.top .account a, header.top .account button')]
              .filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth + 1; })
              .map(e => e.textContent.trim())
            """);
        Assert.True(hidden.Length == 0, $"{page.Url}: header links out of sight in a {width}px window: {string.Join(", ", hidden)}");
    }

    /// <summary>
    /// A journey's checkpoint: the page fits its window, its messages speak the reader's language (user data apart),
    /// and a full-page screenshot is saved as <c>name-size-language.png</c>.
    /// </summary>
    public static async Task CheckpointAsync(IPage page, UiText ui, string size, string name, params string[] userData)
    {
        await AssertFitsAsync(page, Viewport(size).Width);
        await ui.AssertMessagesAsync(page, userData);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath($"{name}-{size}-{ui.Tag}.png"), FullPage = true });
    }

    /// <summary>A small valid PDF to upload.</summary>
    public static FilePayload Pdf(string name) => new()
    {
        Name = name, MimeType = "application/pdf",
        Buffer = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    };

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
