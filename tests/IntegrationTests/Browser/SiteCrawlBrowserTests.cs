using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Demo;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// Every page a visitor, firm member, officer, reviewer and admin can reach, in Chromium, in Chinese and English, on a
/// desktop (1366×900) and a phone (390×844). From each role's home and a list of known entry URLs it follows same-site
/// GET links breadth-first (bounded; one page per route template, so 60 scenario pages cost one visit), and on each
/// page: axe-core finds no critical, serious or moderate violation; in English no Chinese is left outside user data;
/// links answer 2xx; a screenshot is saved (artifacts/screenshots/crawl/).
/// </summary>
public sealed class SiteCrawlBrowserTests(DemoMarketplaceApp app, ITestOutputHelper output) : IClassFixture<DemoMarketplaceApp>
{
    private const int MaxTemplatesPerRole = 30;

    /// <summary>
    /// axe-core costs most of a visit. By default it runs on the desktop in Chinese and on the phone in English (every page
    /// in both languages and both sizes, not all four combinations); CRAWL_FULL=1 runs it on all four.
    /// </summary>
    private static readonly bool FullMatrix = Environment.GetEnvironmentVariable("CRAWL_FULL") == "1";
    private const string ReviewerEmail = "reviewer@crawl.test";

    private sealed record Role(string Name, string? Email, string Home, string[] Entries);

    private static readonly Role[] Roles =
    [
        new("visitor", null, "/", ["/scenarios", "/scenarios?page=999", "/scenarios?page=2", "/scenarios?q=zzzzqqqq", "/scenarios?category=smart-city&sort=latest", "/capabilities", "/capabilities?sort=capital",
            "/capabilities?page=2", "/capabilities?page=999", "/open-data", "/account/login", "/account/signup", "/account/forgot"]),
        new("firm", "member@zhilian-iot.cn", "/firm", ["/firm/profile", "/firm/qualifications", "/firm/milestones", "/firm/propose",
            "/firm/consortium", "/firm/members", "/account", "/account/follows", "/account/preferences"]),
        new("officer", "officer@demo.gov.cn", "/officer", ["/officer?page=2", "/officer?q=zzzzqqqq", "/officer/scenarios/new",
            "/officer/directory", "/officer/directory?page=2", "/officer/directory?q=zzzzqqqq", "/officer/directory/import",
            "/officer/directory/qualifications", "/officer/firm-claims", "/officer/monitoring", "/officer/monitoring/ledger",
            "/officer/monitoring/reports"]),
        new("reviewer", ReviewerEmail, "/reviewer", ["/account"]),
        new("admin", "admin@demo.gov.cn", "/admin", ["/admin/outbox", "/admin/audit", "/admin/targets", "/account"]),
    ];

    private static readonly (string Name, int Width, int Height)[] Viewports = [("desktop", 1366, 900), ("phone", 390, 844)];
    private static readonly string[] Cultures = ["zh-CN", "en"];

    // Not pages: files, feeds, machine endpoints, the separate API reference (its own test), and sign-out.
    private static readonly Regex PublicLists = new(@"^/(scenarios|capabilities|open-data)?/?(\?|$)|^/account/(login|signup|forgot)", RegexOptions.IgnoreCase);

    private static readonly Regex NotAPage = new(
        @"^/(api|openapi|metrics|health|feeds)(/|$)|\.(csv|xlsx|json|atom|ics|pdf|zip|png|jpg|svg|docx?)($|\?)|/export|/stored/|/attachments/|/files/|/logout|/language",
        RegexOptions.IgnoreCase);

    [BrowserFact]
    public async Task EveryPage_OfEveryRole_PassesAxe_SpeaksEnglish_AndFitsAPhone()
    {
        await app.Get<UserStore>().EnsureAsync(ReviewerEmail, "Crawl Reviewer", DemoData.Password, Marketplace.Accounts.Roles.Reviewer, null, null, default);
        var userData = await UserDataAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var started = DateTime.UtcNow;
        var visits = 0;

        // The roles crawl side by side, each in its own browser context (cookies, culture, viewport).
        // CRAWL_ROLES=officer,admin crawls only those roles (for a quick look after a change); all of them by default.
        var only = Environment.GetEnvironmentVariable("CRAWL_ROLES")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var perRole = await Task.WhenAll(Roles.Where(r => only is not { Length: > 0 } || only.Contains(r.Name)).Select(async role =>
        {
            var problems = new List<string>();
            var context = await browser.NewContextAsync(new() { BaseURL = app.ServerAddress, Locale = "zh-CN", ViewportSize = new() { Width = 1366, Height = 900 } });
            var scriptErrors = new List<string>();
            var page = Browsers.Watch(await context.NewPageAsync(), scriptErrors);
            page.SetDefaultNavigationTimeout(60_000);
            if (role.Email is not null) await Browsers.SignInAsync(page, role.Email, DemoData.Password);

            // Discovery, in Chinese on the desktop: breadth-first over same-site links, one URL per route template.
            var urls = await DiscoverAsync(page, role, problems);
            Log($"{role.Name}: {urls.Count} pages: {string.Join(" ", urls)}");

            foreach (var culture in Cultures)
            {
                await context.AddCookiesAsync([new Cookie
                {
                    Name = ".AspNetCore.Culture", Value = culture == "en" ? "c=en|uic=en" : "c=zh-CN|uic=zh-CN", Url = app.ServerAddress,
                }]);
                foreach (var viewport in Viewports)
                {
                    await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
                    foreach (var url in urls)
                    {
                        Interlocked.Increment(ref visits);
                        var visitStarted = DateTime.UtcNow;
                        var before = problems.Count;
                        var errorsBefore = scriptErrors.Count;
                        var where = $"{role.Name} {culture} {viewport.Name} {url}";
                        var response = await page.GotoAsync(url);
                        if (response is null || response.Status >= 400) { problems.Add($"{where}: HTTP {response?.Status}"); continue; }
                        if (FullMatrix || (culture == "en") == (viewport.Name == "phone")) await CheckAxeAsync(page, where, problems);
                        if (culture == "en") await CheckEnglishAsync(page, where, userData, problems);
                        if (viewport.Name == "phone") await CheckPhoneAsync(page, where, problems);
                        var shot = Browsers.ScreenshotPath(Path.Combine("crawl", $"{role.Name}-{culture}-{viewport.Name}-{Slug(url)}.png"));
                        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
                        // Caret as it is: hiding it makes Playwright add an inline style, which the pages' CSP refuses.
                        await page.ScreenshotAsync(new() { Path = shot, Caret = ScreenshotCaret.Initial });
                        lock (scriptErrors)
                            problems.AddRange(scriptErrors.Skip(errorsBefore).Distinct().Select(e => $"{where}: script or CSP error: {e}"));
                        Log($"{where}: {(DateTime.UtcNow - visitStarted).TotalMilliseconds:0} ms");
                        foreach (var p in problems.Skip(before)) Log("  PROBLEM " + p);
                    }
                }
            }
            await context.DisposeAsync();
            return problems;
        }));
        var all = perRole.SelectMany(p => p).ToList();

        output.WriteLine($"{visits} page visits in {(DateTime.UtcNow - started).TotalSeconds:0} s");
        Log($"{visits} page visits in {(DateTime.UtcNow - started).TotalSeconds:0} s");
        File.WriteAllLines(Browsers.ScreenshotPath(Path.Combine("crawl", "problems.txt")), all.Distinct());
        Assert.True(all.Count == 0, $"{all.Count} problems:\n" + string.Join("\n", all.Distinct()));
    }

    /// <summary>Progress, to artifacts/screenshots/crawl/crawl.log (the crawl takes minutes; xUnit shows output only at the end).</summary>
    private static readonly object LogLock = new();

    private static void Log(string line)
    {
        lock (LogLock)
        {
            var path = Browsers.ScreenshotPath(Path.Combine("crawl", "crawl.log"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss} {line}\n");
        }
    }

    /// <summary>Same-site GET links breadth-first from the role's home and entry URLs, one per route template.</summary>
    private async Task<List<string>> DiscoverAsync(IPage page, Role role, List<string> problems)
    {
        var queue = new Queue<string>([role.Home, .. role.Entries]);
        var mine = new HashSet<string>();
        var urls = new List<string>();
        var origin = new Uri(app.ServerAddress);
        while (queue.Count > 0 && urls.Count < MaxTemplatesPerRole)
        {
            var url = queue.Dequeue();
            var isEntry = url == role.Home || role.Entries.Contains(url);
            // Entry URLs are visited as listed (page 2 and page 999 are both wanted); found links once per template.
            var template = isEntry ? url : Template(url);
            if (!mine.Add(template)) continue;
            // The public lists and their facets are the visitor's, the officers' pages the officer's (an admin reaches them
            // too, with the same templates): other roles visit them only when named as entries.
            if (!isEntry && role.Email is not null && PublicLists.IsMatch(url)) continue;
            if (!isEntry && role.Name == "admin" && url.StartsWith("/officer", StringComparison.Ordinal)) continue;
            var response = await page.GotoAsync(url);
            if (response is null || response.Status >= 400)
            {
                problems.Add($"{role.Name}: {url} answers HTTP {response?.Status} (linked or listed as an entry)");
                continue;
            }
            if (!(response.Headers.GetValueOrDefault("content-type") ?? "").StartsWith("text/html", StringComparison.Ordinal)) continue;
            urls.Add(url);
            var links = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('a[href]')].map(a => a.href)");
            foreach (var link in links)
            {
                if (!Uri.TryCreate(link, UriKind.Absolute, out var u) || u.Host != origin.Host || u.Port != origin.Port) continue;
                var local = u.PathAndQuery.TrimEnd('?');
                if (NotAPage.IsMatch(local) || local.Contains("culture=", StringComparison.Ordinal)) continue;
                if (!mine.Contains(Template(local))) queue.Enqueue(local);
            }
        }
        return urls;
    }

    /// <summary>
    /// The route template of a URL: ids, codes and numbers as placeholders, the query left out (a facet or a page of a
    /// list is the same view with other data; the entry URLs name the query variants worth a visit of their own).
    /// </summary>
    private static string Template(string url)
    {
        var path = url.Split('?', 2)[0];
        path = Regex.Replace(path, "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "{id}");
        path = Regex.Replace(path, "/[A-Z]{2,}-[0-9A-Z-]+", "/{code}");
        return Regex.Replace(path, "/[0-9]+(?=/|$)", "/{n}");
    }

    private static string Slug(string url)
    {
        var s = Regex.Replace(url.Trim('/'), "[^A-Za-z0-9]+", "_").Trim('_');
        return s.Length == 0 ? "home" : s.Length > 80 ? s[..80] : s;
    }

    private static readonly HashSet<string> Blocking = ["critical", "serious", "moderate"];

    private static async Task CheckAxeAsync(IPage page, string where, List<string> problems)
    {
        AxeResult result;
        // Violations only: passes and incomplete results are most of axe's answer and of its time.
        try { result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] }); }
        catch (Exception e) { problems.Add($"{where}: axe did not run: {e.Message}"); return; }
        foreach (var v in result.Violations.Where(v => v.Impact is not null && Blocking.Contains(v.Impact)))
            problems.Add($"{where}: axe {v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html.Length > 140 ? n.Html[..140] : n.Html))}");
    }

    /// <summary>
    /// On an English page, every run of Chinese characters in the visible text, the accessible names and placeholders
    /// must be user data (a scenario's or firm's own words, kept as written) — found verbatim in what the database holds.
    /// Elements in another language on purpose (lang="zh-CN": the language switch) are left out.
    /// </summary>
    private static async Task CheckEnglishAsync(IPage page, string where, string userData, List<string> problems)
    {
        var texts = await page.EvaluateAsync<string[]>("""
            () => {
              const cjk = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;
              const out = [];
              const skip = el => el.closest('script, style, template, [lang^="zh"], [translate="no"]');
              const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                if (cjk.test(n.nodeValue) && !skip(n.parentElement)) out.push(n.nodeValue.trim());
              }
              for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt], input[type=submit][value]')) {
                if (skip(el)) continue;
                for (const a of ['aria-label', 'placeholder', 'title', 'alt', 'value']) {
                  const v = el.getAttribute(a);
                  if (v && cjk.test(v) && (a !== 'value' || el.type === 'submit')) out.push(`[${a}] ${v}`);
                }
              }
              return out;
            }
            """);
        foreach (var text in texts.Distinct())
        {
            foreach (Match run in ChineseRun.Matches(text))
            {
                var problem = EnglishProblem(text, run, userData);
                if (problem is not null) problems.Add($"{where}: {problem} in “{(text.Length > 120 ? text[..120] + "…" : text)}”");
            }
        }
    }

    /// <summary>
    /// What is wrong with a run of Chinese characters on an English page, or null. Its words (split at Chinese
    /// punctuation: a snippet joins several fields of a firm) must each be user data; punctuation alone, or right after
    /// English text ("Technologies："), is the page's own.
    /// </summary>
    private static string? EnglishProblem(string text, Match run, string userData)
    {
        var words = Punctuation.Split(run.Value).Where(w => w.Length > 0).ToList();
        // Punctuation between user data ("（票务公司，2023）：") belongs to it; after an English word, or in a text with
        // no Chinese word at all, it is the page's own.
        if (words.Count == 0 && !ChineseRun.Matches(text).Any(m => Punctuation.Split(m.Value).Any(w => w.Length > 0)))
            return $"Chinese punctuation “{run.Value}”";
        if (Punctuation.IsMatch(run.Value[..1]) && EnglishWordBefore(text, run.Index))
            return $"Chinese punctuation after English text “{text[Math.Max(0, run.Index - 12)..(run.Index + 1)]}”";
        var foreign = words.Where(w => !userData.Contains(w, StringComparison.Ordinal)).ToList();
        return foreign.Count == 0 ? null : $"untranslated “{string.Join("”, “", foreign)}”";
    }

    /// <summary>
    /// Whether an English word (one with a lower-case letter: "Technologies", "Deadline") ends right before a position.
    /// Codes inside user text ("5G。", "BIM、", "2023）") are not English words.
    /// </summary>
    private static bool EnglishWordBefore(string text, int index)
    {
        var start = index;
        while (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1])) start--;
        return text[start..index].Any(char.IsAsciiLetterLower);
    }

    private static readonly Regex Punctuation = new(@"[\u3000-\u303f\uff00-\uffef]+");

    private static readonly Regex ChineseRun = new(@"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+");

    /// <summary>
    /// On a phone: the page does not scroll sideways, the header stays short, and its account links and language switch
    /// are all in sight.
    /// </summary>
    private static async Task CheckPhoneAsync(IPage page, string where, List<string> problems)
    {
        var figures = await page.EvaluateAsync<int[]>("""
            () => [document.documentElement.scrollWidth - window.innerWidth, Math.round(document.querySelector('header.top')?.getBoundingClientRect().height ?? 0),
                   [...document.querySelectorAll('header.top .account a, header.top .account button')]
                     .filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth + 1; }).length]
            """);
        var (overflow, header, hidden) = (figures[0], figures[1], figures[2]);
        if (overflow > 2) problems.Add($"{where}: the page is {overflow} px wider than the phone");
        if (header > 130) problems.Add($"{where}: the header is {header} px high");
        if (hidden > 0) problems.Add($"{where}: {hidden} header link(s) out of sight");
    }

    /// <summary>
    /// Everything users typed or imported (scenarios, firms, accounts, questions, vocabulary…), as one text: Chinese found
    /// in it is user data. Outbox, audit and monitoring tables are left out: they hold texts the product itself wrote.
    /// </summary>
    private async Task<string> UserDataAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema', 'public', 'outbox', 'audit', 'monitoring')
            """, conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"select row_to_json(t)::text from {table} t", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) text.Append(reader.GetString(0)).Append('\n');
        }
        return text.ToString();
    }
}
