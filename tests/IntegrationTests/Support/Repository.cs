using System.Diagnostics;

namespace Marketplace.IntegrationTests.Support;

/// <summary>The repository the tests run from: its scripts (infra/) and the Release build of the web host.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
        throw new InvalidOperationException("Marketplace.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The host as deployed: the Release build the test command makes before running the tests.</summary>
    public static string WebDll
    {
        get
        {
            var dll = Path.Combine(Root, "web", "bin", "Release", "net10.0", "Marketplace.Web.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution in Release first (infra/test does).");
        }
    }

    /// <summary>Runs a program to its end; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Root };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish: {await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs bash with infra/postgres.sh sourced (the helpers infra/run and infra/test use).</summary>
    public static async Task<string> PostgresScriptAsync(string script)
    {
        var (code, output) = await RunAsync("bash", ["-c", "set -e; source infra/postgres.sh; " + script]);
        return code == 0 ? output : throw new InvalidOperationException($"bash failed ({code}): {script}\n{output}");
    }
}

/// <summary>
/// A PostgreSQL cluster of its own (initdb under /tmp, started and stopped with infra/postgres.sh), for tests that
/// stop and restart the server itself under traffic.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "mkt-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private string Data => Path.Combine(_work, "pg");
    public int Port { get; } = TestSmtpServer.FreePort();

    public string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50;Timeout=3";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var pg = new PrivatePostgres();
        Directory.CreateDirectory(pg._work);
        // The cluster belongs to the postgres user (infra/postgres.sh), who must be able to enter the folder.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(pg._work, (UnixFileMode)Convert.ToInt32("755", 8));
        await Repository.PostgresScriptAsync($"pg_ensure_installed; pg_init '{pg.Data}'; PG_FSYNC=off pg_start '{pg.Data}' {pg.Port}");
        return pg;
    }

    /// <summary>The server's log (for a failing test's message).</summary>
    public string ServerLog => File.Exists(Path.Combine(Data, "server.log")) ? File.ReadAllText(Path.Combine(Data, "server.log")) : "";

    /// <summary>A fast shutdown (sessions terminated, as a restart by an operator or a crash-restart does).</summary>
    public Task StopAsync() => Repository.PostgresScriptAsync($"pg_stop '{Data}'");

    public Task StartAgainAsync() => Repository.PostgresScriptAsync($"PG_FSYNC=off pg_start '{Data}' {Port}");

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch (InvalidOperationException) { /* already stopped */ }
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
