using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Marketplace.Notifications.Outbox;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Marketplace.IntegrationTests.Support;

/// <summary>
/// The whole product in the test process: its own fresh database on the throwaway server, an in-memory search index,
/// and email going to a real in-process SMTP server. One per test class.
/// </summary>
public class MarketplaceApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string DatabaseName { get; } = "mkt_test_" + Guid.NewGuid().ToString("N")[..12];
    public string ConnectionString { get; private set; } = "";
    public TestSmtpServer Smtp { get; private set; } = null!;
    /// <summary>The application's clock: tests move it past deadlines instead of waiting (see <see cref="TestClock"/>).</summary>
    public TestClock Clock { get; } = new();
    protected virtual bool SeedDemo => false;
    protected virtual bool RealPort => false;
    protected virtual bool OutboxWorker => true;
    protected virtual int LoginPermitsPerMinute => 100_000;
    protected virtual int AutoInviteTopK => 0;
    protected virtual int ObjectionPermitsPerAddress => 100_000;
    protected virtual int ObjectionPermitsPerIdentity => 100_000;

    /// <summary>The server the app's database is created on: the test command's, unless a fixture brings its own.</summary>
    protected virtual Task<string> AdminConnectionStringAsync() => Task.FromResult(TestServers.RequireAdminConnectionString());

    /// <summary>Runs after the app and its database are gone (a fixture stops what it started).</summary>
    protected virtual Task AfterDisposeAsync() => Task.CompletedTask;

    /// <summary>Extra settings of a fixture, applied after the defaults.</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    private string _admin = "";

    public async Task InitializeAsync()
    {
        if (TestServers.AdminConnectionString is null && !TestServers.IsCi) return; // every test here is skipped
        var admin = _admin = await AdminConnectionStringAsync();
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {DatabaseName}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = DatabaseName }.ConnectionString;
        Smtp = new TestSmtpServer();
        if (RealPort) UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Request logs and routine information would bury the test results; warnings and errors still show.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware", "Warning");
        builder.UseSetting("ConnectionStrings:Marketplace", ConnectionString);
        builder.UseSetting("Matching:IndexPath", "");
        builder.UseSetting("Smtp:Host", "127.0.0.1");
        builder.UseSetting("Smtp:Port", Smtp.Port.ToString());
        builder.UseSetting("Smtp:Security", "None");
        builder.UseSetting("Outbox:PollInterval", "00:00:00.200");
        builder.UseSetting("Outbox:FirstRetryDelay", "00:00:00.200");
        // A claim whose handling was skipped comes back within a drain's patience, not after the production minute.
        builder.UseSetting("Outbox:Lease", "00:00:05");
        builder.UseSetting("Demo:Seed", SeedDemo ? "true" : "false");
        builder.UseSetting("Outbox:Enabled", OutboxWorker ? "true" : "false");
        builder.UseSetting("Security:LoginPermitsPerMinute", LoginPermitsPerMinute.ToString());
        builder.UseSetting("Objections:PermitsPerAddressPerHour", ObjectionPermitsPerAddress.ToString());
        builder.UseSetting("Objections:PermitsPerIdentityPerHour", ObjectionPermitsPerIdentity.ToString());
        builder.UseSetting("Site:BaseUrl", "http://marketplace.test");
        // Tests move time-driven states themselves (CloseDueScenarios), so a background tick never races them.
        builder.UseSetting("Scheduler:Enabled", "false");
        // Digests go out at any hour in tests (the default waits for 08:00 Beijing time).
        builder.UseSetting("Notifications:DigestHour", "0");
        // Automatic invitations at publication would mail the firms other tests create; the class that tests them turns them on.
        builder.UseSetting("Invitations:AutoInviteTopK", AutoInviteTopK.ToString());
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        Configure(builder);
    }

    /// <summary>The real address when the app listens on a port (browser tests).</summary>
    public string ServerAddress => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Waits until the outbox has nothing left that is due (all handled or dead).</summary>
    public async Task DrainOutboxAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var processor = Get<OutboxProcessor>();
        while (DateTime.UtcNow < deadline)
        {
            await using var conn = new NpgsqlConnection(ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("select count(*) from outbox.messages where status = 'pending'", conn);
            if ((long)(await cmd.ExecuteScalarAsync())! == 0) return;
            await processor.ProcessBatchAsync(default);
            await Task.Delay(50);
        }
        throw new TimeoutException("The outbox did not drain.");
    }

    /// <summary>A client with a cookie jar that does not follow redirects, for walking forms.</summary>
    public HttpClient FormClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>GETs a page with a form and POSTs the fields with its antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string action, IDictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(formPage);
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var all = new List<KeyValuePair<string, string>>(fields) { new("__RequestVerificationToken", token) };
        return await client.PostAsync(action, new FormUrlEncodedContent(all));
    }

    /// <summary>The link with a token that an email carries (verification, reset, invitation).</summary>
    public static string LinkPathIn(MimeKit.MimeMessage email)
    {
        var match = Regex.Match(email.TextBody ?? "", "http://marketplace\\.test(/account/[a-z]+\\?token=[A-Za-z0-9_%-]+)");
        if (!match.Success) throw new InvalidOperationException("No link in email: " + email.TextBody);
        return match.Groups[1].Value;
    }

    /// <summary>An HTTP client signed in through the real login form (antiforgery token and cookie included).</summary>
    public async Task<HttpClient> SignedInClientAsync(string email, string password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Login of {email} failed: {response.StatusCode}");
        // A script signed in with the cookie sends the antiforgery token on every changing API call.
        var antiforgery = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/antiforgery");
        client.DefaultRequestHeaders.Add(antiforgery.GetProperty("header").GetString()!, antiforgery.GetProperty("token").GetString());
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (ConnectionString.Length == 0) return;
        await DisposeAsync();
        await Smtp.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var conn = new NpgsqlConnection(_admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"drop database if exists {DatabaseName} with (force)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        await AfterDisposeAsync();
    }
}

public sealed class DemoMarketplaceApp : MarketplaceApp
{
    protected override bool SeedDemo => true;
    protected override bool RealPort => true;
}

/// <summary>The app on a real Kestrel port without demo data: answers as a browser gets them, Kestrel's own headers included.</summary>
public sealed class ListeningMarketplaceApp : MarketplaceApp
{
    protected override bool RealPort => true;
}

/// <summary>The demo data behind the in-memory test server (for HTTP clients rather than a browser).</summary>
public sealed class SeededMarketplaceApp : MarketplaceApp
{
    protected override bool SeedDemo => true;
}

/// <summary>The app without its background outbox worker, so a test can drive the processor step by step.</summary>
public sealed class ManualOutboxMarketplaceApp : MarketplaceApp
{
    protected override bool OutboxWorker => false;
}

/// <summary>The app with the production-like login rate limit turned low, to see it act.</summary>
public sealed class RateLimitedMarketplaceApp : MarketplaceApp
{
    protected override int LoginPermitsPerMinute => 3;
}

/// <summary>The app with low limits on filing objections, to see both act (per client address and per objector).</summary>
public sealed class ObjectionLimitedMarketplaceApp : MarketplaceApp
{
    protected override int ObjectionPermitsPerAddress => 3;
    protected override int ObjectionPermitsPerIdentity => 2;
}

/// <summary>The app with automatic invitations at publication, as in production.</summary>
public sealed class AutoInviteMarketplaceApp : MarketplaceApp
{
    protected override int AutoInviteTopK => 3;
}

/// <summary>The app sampling spans as it does with an OTLP endpoint, keeping them in memory instead of exporting them.</summary>
public sealed class TracedMarketplaceApp : MarketplaceApp
{
    public ConcurrentQueue<Activity> Spans { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing =>
            tracing.SetSampler(Operations.TraceSampler(exporting: true)).AddProcessor(new Recorder(Spans))));
    }

    /// <summary>Keeps each ended span; a queue, since requests and background work end spans on several threads.</summary>
    private sealed class Recorder(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
