using System.Diagnostics;
using System.Text;

namespace Marketplace.IntegrationTests.Support;

/// <summary>
/// The web host as a separate process (<c>dotnet Marketplace.Web.dll</c>, Release build) — what a test kills with SIGKILL or
/// whose command-line subcommands (verify-audit, migrate) it runs.
/// </summary>
public sealed class WebProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    public string Url { get; }

    private WebProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Settings for a run against <paramref name="connectionString"/>: in-memory index, no scheduler, quiet logs.</summary>
    public static Dictionary<string, string?> Environment(string connectionString, int smtpPort = 1) => new()
    {
        ["ConnectionStrings__Marketplace"] = connectionString,
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["DOTNET_ENVIRONMENT"] = "Testing",
        ["Matching__IndexPath"] = "",
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = smtpPort.ToString(),
        ["Smtp__Security"] = "None",
        ["Scheduler__Enabled"] = "false",
        ["Demo__Seed"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__Console__FormatterName"] = "simple",
    };

    /// <summary>Runs a subcommand (<c>verify-audit</c>, <c>migrate</c>…) and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> CommandAsync(IDictionary<string, string?> env, params string[] args) =>
        Repository.RunAsync("dotnet", [Repository.WebDll, .. args], env, Path.GetDirectoryName(Repository.WebDll));

    public static async Task<WebProcess> StartAsync(IDictionary<string, string?> env)
    {
        var url = $"http://127.0.0.1:{TestSmtpServer.FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(Repository.WebDll)!,
        };
        start.ArgumentList.Add(Repository.WebDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        foreach (var (k, v) in env) start.Environment[k] = v;
        var process = Process.Start(start)!;
        var web = new WebProcess(process, url);
        process.OutputDataReceived += (_, e) => { lock (web._output) web._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (web._output) web._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await web.WaitLiveAsync(TimeSpan.FromSeconds(60));
        return web;
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    private async Task WaitLiveAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Marketplace.Web.dll exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync(Url + "/health/live")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { /* not listening yet */ }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Marketplace.Web.dll did not answer on {Url}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown, no finally blocks, no flush — as a crash or the OOM killer ends it.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: false); // Process.Kill sends SIGKILL on Unix
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
