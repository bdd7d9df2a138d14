using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using SmtpServer;

namespace Marketplace.Benchmarks;

/// <summary>
/// The pages people use, over HTTP: a Release build of the site on its own database with the demo data, a local SMTP
/// server for its mail, and wrk (64 connections, 2 threads) against each page. Every row is measured right after the
/// host's trivial endpoint (<c>/health/live</c>) in the same run, and reported as a share of it, since this shared
/// machine's speed varies from minute to minute. Prints one table and writes the figures as JSON.
/// Settings: BENCH_PG (admin connection, set by ./infra/bench), BENCH_SECONDS (per row, 8), BENCH_CONNECTIONS (64),
/// BENCH_OUT (JSON file, artifacts/bench/http-…json), BENCH_ONLY (rows whose name contains this text).
/// </summary>
internal static class HttpBenchmark
{
    /// <param name="Export">A download rather than a page: measured with <see cref="ExportConnections"/> at once for at least
    /// 15 s, and its target is memory (streamed, so the site's peak resident memory meanwhile rises at most
    /// <see cref="ExportMemoryRiseMb"/>, a third of the site's budget), not a page's time. At national scale an export held
    /// whole would add its file (tens of megabytes) per download, so there the figure tells streamed from buffered.</param>
    private sealed record Row(string Name, string Path, string? Cookie = null, double? TargetShare = null, double? TargetP99Ms = null,
        bool Export = false);

    private const long ExportMemoryRiseMb = 128;
    private const int ExportConnections = 4;

    private sealed record Figures(double RequestsPerSecond, double P50Ms, double P95Ms, double P99Ms, long Requests, long Non2xx);

    /// <param name="scale">Load national-scale data (<see cref="ScaleData"/>) on top of the demo and index it before the site starts.</param>
    public static async Task<int> RunAsync(bool scale = false)
    {
        var admin = Environment.GetEnvironmentVariable("BENCH_PG");
        if (string.IsNullOrEmpty(admin)) { Console.Error.WriteLine("http benchmark: set BENCH_PG (./infra/bench does)"); return 2; }
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var s) ? s : 8;
        var connections = int.TryParse(Environment.GetEnvironmentVariable("BENCH_CONNECTIONS"), out var c) ? c : 64;
        var only = Environment.GetEnvironmentVariable("BENCH_ONLY");
        var root = FindRoot();
        var output = Environment.GetEnvironmentVariable("BENCH_OUT") is { Length: > 0 } o
            ? o : Path.Combine(root, "artifacts", "bench", $"http-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");

        // BENCH_REUSE=<folder>: keep the database and index between runs (folder/database names the database, folder/index
        // holds the index), so trying a site setting does not cost the scale data's preparation each time.
        var reuse = Environment.GetEnvironmentVariable("BENCH_REUSE") is { Length: > 0 } kept ? Path.GetFullPath(kept) : null;
        var reused = reuse is not null && File.Exists(Path.Combine(reuse, "database"));
        var database = reused ? (await File.ReadAllTextAsync(Path.Combine(reuse!, "database"))).Trim() : "bench_http_" + Guid.NewGuid().ToString("N")[..8];
        if (!reused)
        {
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync();
            await new NpgsqlCommand($"create database {database}", conn).ExecuteNonQueryAsync();
        }
        var work = reuse ?? Directory.CreateTempSubdirectory("marketplace-http-bench-").FullName;
        Directory.CreateDirectory(work);

        var smtpPort = EmailBenchmark.FreePort();
        using var stop = new CancellationTokenSource();
        var smtp = new SmtpServer.SmtpServer(new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, smtpPort))).Build(), EmailBenchmark.Services(new ConcurrentDictionary<string, int>()));
        _ = smtp.StartAsync(stop.Token);

        var port = EmailBenchmark.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        var size = ScaleData.Size.FromEnvironment();
        if (scale && !reused)
        {
            // The demo first (its accounts sign the benchmark in), then the scale data, then one full reindex, all before
            // the site starts, so the figures are of a steady site and not of its first index build.
            var prepare = Stopwatch.StartNew();
            await RunHostCommandAsync(root, work, connectionString, smtpPort, "seed-demo");
            await ScaleData.LoadAsync(connectionString, size, DateTimeOffset.UtcNow);
            await RunHostCommandAsync(root, work, connectionString, smtpPort, "reindex");
            Console.WriteLine($"scale data loaded and indexed in {prepare.Elapsed.TotalSeconds:0} s");
        }
        if (reuse is not null) await File.WriteAllTextAsync(Path.Combine(reuse, "database"), database);
        var app = StartApp(root, work, baseUrl, connectionString, smtpPort);
        try
        {
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(3) };
            var ready = Stopwatch.StartNew();
            while (true)
            {
                if (app.HasExited) throw new InvalidOperationException($"the site stopped; see {work}/app.log");
                try { if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) break; } catch (HttpRequestException) { }
                if (ready.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"the site did not become ready; see {work}/app.log");
                await Task.Delay(500);
            }
            var data = scale ? $"scale: demo + {size.Firms:N0} firms, {size.Scenarios:N0} scenarios, {size.Applications:N0} applications" : "demo (seed-demo)";
            Console.WriteLine($"site ready in {ready.Elapsed.TotalSeconds:0.0} s (Release build, {data}, {baseUrl})");

            await QuietAsync(connectionString);
            var officer = await SignInAsync(http, "officer@demo.gov.cn");
            var member = await SignInAsync(http, "member@zhilian-iot.cn");
            using var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/scenarios?pageSize=1&q=" + Uri.EscapeDataString("智慧")));
            var first = list.RootElement.GetProperty("items")[0];
            var (id, code) = (first.GetProperty("id").GetString()!, first.GetProperty("code").GetString()!);
            var domain = list.RootElement.GetProperty("facets").GetProperty("domain")[0].GetProperty("value").GetString()!;
            var month = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            string Q(string text) => Uri.EscapeDataString(text);

            var rows = new List<Row>
            {
                new("scenario search API ?q=充电桩", "/api/v1/scenarios?q=" + Q("充电桩"), TargetShare: 0.25, TargetP99Ms: 50),
                new("capability search API ?q=物联网", "/api/v1/capabilities?q=" + Q("物联网"), TargetShare: 0.25, TargetP99Ms: 50),
                new("hall (HTML)", "/scenarios", TargetShare: 0.15, TargetP99Ms: 80),
                new("hall ?q=充电桩", "/scenarios?q=" + Q("充电桩"), TargetShare: 0.15, TargetP99Ms: 80),
                new("hall ?q=智慧 + category + domain", $"/scenarios?q={Q("智慧")}&category=smart-city&domain={Q(domain)}", TargetShare: 0.15, TargetP99Ms: 80),
                new("capability list (HTML) ?q=物联网", "/capabilities?q=" + Q("物联网"), TargetShare: 0.15, TargetP99Ms: 80),
                new("home", "/"),
                new("scenario detail", $"/scenarios/{id}"),
                new("firm workbench (member)", "/firm", member),
                new("officer scenario list", "/officer", officer),
                new("recommendations (officer page)", $"/officer/scenarios/{id}/recommendations", officer),
                new("recommendations API", $"/api/v1/scenarios/{id}/recommendations", officer),
                new("monitoring dashboard", "/officer/monitoring", officer),
                new("ledger", "/officer/monitoring/ledger", officer),
                new($"report {month}.xlsx", $"/officer/monitoring/reports/{month}.xlsx", officer),
                new("directory", "/officer/directory", officer),
                new("directory export .xlsx", "/officer/directory/export", officer, Export: true),
                new("directory export .csv", "/officer/directory/export?format=csv", officer, Export: true),
                new("open data CSV", "/open-data/scenarios.csv"),
                new("open data JSON", "/open-data/scenarios.json"),
                new("OCDS package", $"/open-data/ocds/{code}.json"),
                new("Atom feed", "/feeds/scenarios.atom"),
                new("iCalendar feed", "/feeds/deadlines.ics"),
            }.Where(r => only is null || r.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();

            var script = Path.Combine(work, "report.lua");
            await File.WriteAllTextAsync(script, """
                done = function(summary, latency, requests)
                  local non2xx = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
                  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), non2xx))
                end
                """);
            Figures Wrk(string path, string? cookie, int secs, int conns)
            {
                // Every request says what a browser (or curl --compressed, or Python's requests) says it can decode.
                var args = new List<string> { "-t2", $"-c{conns}", $"-d{secs}s", "--timeout", "10s", "-s", script, "-H", "Accept-Encoding: gzip, deflate, br" };
                if (cookie is not null) args.AddRange(["-H", "Cookie: " + cookie]);
                args.Add(baseUrl + path);
                var psi = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi)!;
                var text = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                var m = Regex.Match(text, @"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)");
                if (!m.Success) throw new InvalidOperationException("wrk said: " + text + p.StandardError.ReadToEnd());
                long L(int g) => long.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
                return new Figures(L(1) / (L(2) / 1e6), L(3) / 1000.0, L(4) / 1000.0, L(5) / 1000.0, L(1), L(6));
            }

            var sitePid = SitePid(app);
            Console.WriteLine($"warming up {rows.Count} pages (first request, one at a time) …");
            var firstRequest = new Dictionary<string, double>();
            foreach (var r in rows)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, r.Path);
                if (r.Cookie is not null) request.Headers.Add("Cookie", r.Cookie);
                var watch = Stopwatch.StartNew();
                var warm = await http.SendAsync(request);
                await warm.Content.LoadIntoBufferAsync();
                firstRequest[r.Name] = watch.Elapsed.TotalMilliseconds;
                Console.WriteLine($"  {r.Name}: {watch.Elapsed.TotalMilliseconds:N0} ms, {warm.Content.Headers.ContentLength ?? 0:N0} bytes");
                if (warm.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{r.Path} answered {(int)warm.StatusCode}");
                Wrk(r.Path, r.Cookie, 2, 4);
            }
            Wrk("/health/live", null, 2, connections);

            Console.WriteLine($"wrk -t2 -c{connections}, {seconds} s per page, each right after {seconds / 2} s of /health/live (the trivial endpoint)");
            Console.WriteLine();
            Console.WriteLine($"| {"page",-38} | {"req/s",8} | {"trivial req/s",13} | {"share",6} | {"p50 ms",7} | {"p95 ms",7} | {"p99 ms",7} | {"target",16} |");
            Console.WriteLine($"|{new string('-', 40)}|{new string('-', 10)}|{new string('-', 15)}|{new string('-', 8)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 18)}|");
            var results = new List<object>();
            async Task SettleAsync()
            {
                // A slow page leaves requests running after wrk stops; the next trivial run must not queue behind them.
                var settle = Stopwatch.StartNew();
                while (settle.Elapsed < TimeSpan.FromSeconds(30))
                {
                    var t = Stopwatch.StartNew();
                    await http.GetAsync("/health/live");
                    if (t.ElapsedMilliseconds < 20) break;
                    await Task.Delay(250);
                }
                await Task.Delay(500);
            }
            foreach (var r in rows)
            {
                await SettleAsync();
                var trivial = Wrk("/health/live", null, Math.Max(2, seconds / 2), connections);
                var before = SiteMemoryMb(sitePid, resetPeak: true);
                // An export is a download of the whole directory (100,000 firms: megabytes, seconds each): 64 at once would finish
                // none inside a run, so exports are measured as a few officers downloading at once, for longer.
                var (rowConnections, rowSeconds) = r.Export ? (Math.Min(connections, ExportConnections), Math.Max(seconds, 15)) : (connections, seconds);
                var f = Wrk(r.Path, r.Cookie, rowSeconds, rowConnections);
                var during = SiteMemoryMb(sitePid);
                var rise = during.Peak - before.Now;
                var share = f.RequestsPerSecond / trivial.RequestsPerSecond;
                // Pages without a share target have the issue's general one: p95 ≤ 300 ms; exports, flat memory.
                var target = r.TargetShare is { } ts
                    ? $"≥{ts:0%}, p99≤{r.TargetP99Ms:0} {(f.Requests > 0 && share >= ts && f.P99Ms <= r.TargetP99Ms ? "met" : "MISSED")}"
                    : r.Export
                        ? $"+{rise} MB {(f.Requests > 0 && before.Now > 0 && rise <= ExportMemoryRiseMb ? "met" : "MISSED")}"
                        : $"p95≤300 {(f.Requests > 0 && f.P95Ms <= 300 ? "met" : "MISSED")}"; // no answer within the run is no figure
                Console.WriteLine($"| {(r.Export ? $"{r.Name} ({rowConnections} at once)" : r.Name),-38} | {f.RequestsPerSecond,8:N0} | {trivial.RequestsPerSecond,13:N0} | {share,6:0.0%} | {f.P50Ms,7:0.0} | {f.P95Ms,7:0.0} | {f.P99Ms,7:0.0} | {target,16} |"
                                  + (f.Non2xx > 0 ? $" {f.Non2xx} non-2xx!" : ""));
                results.Add(new
                {
                    connections = rowConnections, seconds = rowSeconds, page = r.Name, path = r.Path, signedIn = r.Cookie is not null, requestsPerSecond = Math.Round(f.RequestsPerSecond, 1),
                    trivialRequestsPerSecond = Math.Round(trivial.RequestsPerSecond, 1), share = Math.Round(share, 4),
                    firstRequestMs = Math.Round(firstRequest[r.Name], 1), p50Ms = f.P50Ms, p95Ms = f.P95Ms, p99Ms = f.P99Ms, requests = f.Requests, non2xx = f.Non2xx,
                    targetShare = r.TargetShare, targetP99Ms = r.TargetP99Ms,
                    sitePeakRssMbDuring = during.Peak, siteRssMbBefore = before.Now,
                });
            }
            var (peakRssMb, rssMb) = SiteMemoryMb(sitePid, lifetimePeak: true);
            Console.WriteLine();
            Console.WriteLine($"site process after every row: RSS {rssMb} MB, peak RSS {peakRssMb} MB (target ≤ 400 MB with 100,000 firms indexed)");
            Console.WriteLine($"  of which {SiteMemoryParts(sitePid, Path.Combine(work, "index"))}");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
            {
                measuredAt = DateTimeOffset.UtcNow, cores = Environment.ProcessorCount, connections, secondsPerPage = seconds,
                data, sitePeakRssMb = peakRssMb, siteRssMb = rssMb, rows = results,
            }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            Console.WriteLine();
            Console.WriteLine($"figures written to {output}");
            return 0;
        }
        finally
        {
            if (!app.HasExited) { app.Kill(entireProcessTree: true); app.WaitForExit(); }
            stop.Cancel();
            if (reuse is null)
            {
                await using var conn = new NpgsqlConnection(admin);
                await conn.OpenAsync();
                await new NpgsqlCommand($"drop database if exists {database} with (force)", conn).ExecuteNonQueryAsync();
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>
    /// Waits (at most 5 minutes) until nothing has been committed for 5 s: the site's start-up work (the demo's invitations
    /// and emails through the outbox, publication handlers) is done, so the rows measure pages, not that backlog.
    /// </summary>
    private static async Task QuietAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var watch = Stopwatch.StartNew();
        var (last, stillSince) = ("", watch.Elapsed);
        while (watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using var command = new NpgsqlCommand("select pg_current_snapshot()::text", conn);
            var now = (string)(await command.ExecuteScalarAsync())!;
            if (now != last) (last, stillSince) = (now, watch.Elapsed);
            else if (watch.Elapsed - stillSince >= TimeSpan.FromSeconds(5))
            {
                Console.WriteLine($"site quiet (nothing committed for 5 s) after {watch.Elapsed.TotalSeconds:0} s");
                return;
            }
            await Task.Delay(500);
        }
        Console.WriteLine("site still committing after 5 minutes; measuring anyway");
    }

    /// <summary>The site's process id: it runs under the bash that started it.</summary>
    private static int SitePid(Process shell)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{shell.Id}/task/{shell.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length > 0 ? int.Parse(children[0], CultureInfo.InvariantCulture) : shell.Id;
        }
        catch (IOException) { return shell.Id; }
    }

    private static long _lifetimePeakKb;

    /// <summary>
    /// The site's resident memory now and at its peak since the last reset (Linux's VmHWM, reset by writing 5 to
    /// clear_refs); the peak over the whole run is kept here across resets. -1 where /proc cannot tell.
    /// </summary>
    private static (long Peak, long Now) SiteMemoryMb(int pid, bool resetPeak = false, bool lifetimePeak = false)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            long Kb(string field) => StatusKb(status, field);
            var (peak, now) = (Kb("VmHWM"), Kb("VmRSS"));
            _lifetimePeakKb = Math.Max(_lifetimePeakKb, peak);
            if (resetPeak)
            {
                try { File.WriteAllText($"/proc/{pid}/clear_refs", "5"); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            return ((lifetimePeak ? _lifetimePeakKb : peak) / 1024, now / 1024);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException) { return (-1, -1); }
    }

    /// <summary>A kB figure of /proc (a "Field:   1234 kB" line of status or smaps).</summary>
    private static long KbOf(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static long StatusKb(string[] status, string field) => KbOf(status.First(l => l.StartsWith(field + ":", StringComparison.Ordinal)));

    /// <summary>What the site's resident memory is made of (Linux: anonymous, file-backed, shared).</summary>
    private static string SiteMemoryParts(int pid, string indexFolder)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            long Mb(string field) => StatusKb(status, field) / 1024;
            // The index's files are mapped (Lucene's MMapDirectory): their pages read so far count as resident, though
            // the kernel can drop them at will.
            long indexKb = 0;
            var inIndex = false;
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-')) inIndex = line.Contains(indexFolder, StringComparison.Ordinal);
                else if (inIndex && line.StartsWith("Rss:", StringComparison.Ordinal))
                    indexKb += KbOf(line);
            }
            return $"anonymous {Mb("RssAnon")} MB (GC heap, native), files {Mb("RssFile")} MB (assemblies, libraries; the index {indexKb / 1024} MB), " +
                   $"shared {Mb("RssShmem")} MB (JIT code, W^X)";
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException) { return "(no /proc)"; }
    }

    private static Process StartApp(string root, string work, string url, string connectionString, int smtpPort) =>
        // The site's one log line per request goes to a file, as a service's would, not through this process.
        Process.Start(HostStartInfo(root, work, connectionString, smtpPort, $"--urls '{url}' > '{work}/app.log' 2>&1"))!;

    private static ProcessStartInfo HostStartInfo(string root, string work, string connectionString, int smtpPort, string arguments)
    {
        var web = Path.Combine(root, "web");
        var dll = Path.Combine(web, "bin", "Release", "net10.0", "Marketplace.Web.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("build the site first: dotnet build web -c Release", dll);
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = web };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec dotnet '{dll}' {arguments}");
        psi.Environment["ConnectionStrings__Marketplace"] = connectionString;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Demo__Seed"] = "true";
        psi.Environment["Matching__IndexPath"] = Path.Combine(work, "index");
        psi.Environment["Smtp__Host"] = "127.0.0.1";
        psi.Environment["Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture);
        psi.Environment["Smtp__Security"] = "None";
        return psi;
    }

    /// <summary>Runs one of the host's subcommands (seed-demo, reindex) against the benchmark's database and waits for it.</summary>
    private static async Task RunHostCommandAsync(string root, string work, string connectionString, int smtpPort, string command)
    {
        var psi = HostStartInfo(root, work, connectionString, smtpPort, $"{command} > '{work}/{command}.log' 2>&1");
        var started = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} failed ({p.ExitCode}): {await File.ReadAllTextAsync(Path.Combine(work, command + ".log"))}");
        Console.WriteLine($"  {command}: {started.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Signs a demo account in through the form and returns the cookies a browser would send.</summary>
    private static async Task<string> SignInAsync(HttpClient http, string email)
    {
        var page = await http.GetAsync("/account/login");
        var jar = Cookies(page);
        var token = Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
                { ["Email"] = email, ["Password"] = "Demo@2026!", ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("Cookie", string.Join("; ", jar.Select(kv => $"{kv.Key}={kv.Value}")));
        var signedIn = await http.SendAsync(post);
        if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {email} answered {(int)signedIn.StatusCode}");
        foreach (var (k, v) in Cookies(signedIn)) jar[k] = v;
        return string.Join("; ", jar.Select(kv => $"{kv.Key}={kv.Value}"));
    }

    private static Dictionary<string, string> Cookies(HttpResponseMessage response) =>
        (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        .Select(v => v.Split(';')[0].Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]); // the last one set wins

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
