using Dapper;
using Marketplace.IntegrationTests.Support;
using Marketplace.Notifications.Email;
using Npgsql;
using Xunit.Abstractions;

namespace Marketplace.IntegrationTests.Faults;

/// <summary>
/// The web process killed with SIGKILL while its outbox worker delivers 2,000 emails, twice, and started again: every
/// message arrives at the SMTP server, and a message arrives twice only if it was in flight at the instant of a kill
/// (accepted by the server, not yet recorded as done) — at most one per kill, counted and printed.
/// </summary>
public sealed class WebProcessKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Emails = 2000;
    private readonly string _database = "mkt_kill_" + Guid.NewGuid().ToString("N")[..10];
    private string _connectionString = "";
    private TestSmtpServer _smtp = null!;

    public async Task InitializeAsync()
    {
        if (TestServers.AdminConnectionString is null && !TestServers.IsCi) return;
        await using var admin = new NpgsqlConnection(TestServers.RequireAdminConnectionString());
        await admin.ExecuteAsync($"create database {_database}");
        _connectionString = new NpgsqlConnectionStringBuilder(TestServers.RequireAdminConnectionString()) { Database = _database }.ConnectionString;
        _smtp = new TestSmtpServer();
    }

    [PostgresFact]
    public async Task KilledTwiceMidDelivery_EveryMessageArrives_AndOnlyAMessageInFlightAtAKillCanArriveTwice()
    {
        var env = WebProcess.Environment(_connectionString, _smtp.Port);
        env["Outbox__PollInterval"] = "00:00:00.200";
        env["Outbox__Lease"] = "00:00:02"; // rows claimed by the killed process come back after 2 s
        var (code, migrated) = await WebProcess.CommandAsync(env, "migrate");
        Assert.True(code == 0, migrated);
        var emails = Enumerable.Range(0, Emails).Select(i => new EmailMessage(
            $"fault.kill.v1:{i}:firm{i}@kill.test", $"firm{i}@kill.test", $"故障演练 #{i}", "正文", "<p>正文</p>")).ToList();
        await using (var conn = new NpgsqlConnection(_connectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            foreach (var e in emails) await OutboxEnqueue.EmailAsync(conn, tx, e, DateTimeOffset.UtcNow, default);
            await tx.CommitAsync();
        }

        var kills = 0;
        foreach (var killAt in new[] { 500, 1200 })
        {
            await using var web = await WebProcess.StartAsync(env);
            await WaitUntilAsync(() => Task.FromResult(_smtp.Messages.Count >= killAt), TimeSpan.FromSeconds(60), () => web.Output);
            await web.KillAsync();
            kills++;
            output.WriteLine($"SIGKILL after {_smtp.Messages.Count} messages received");
        }
        await using (var web = await WebProcess.StartAsync(env))
        {
            await WaitUntilAsync(async () => _smtp.Messages.Select(m => m.MessageId).Distinct().Count() >= Emails && await PendingAsync() == 0,
                TimeSpan.FromSeconds(90), () => web.Output);
        }

        var received = _smtp.Messages;
        var expected = emails.Select(e => MailKitEmailSender.MessageIdFor(e.DedupeKey, "marketplace.local")).ToHashSet();
        Assert.Equal(expected, received.Select(m => m.MessageId!).ToHashSet()); // every message, no stray ids
        var duplicates = received.GroupBy(m => m.MessageId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        output.WriteLine($"{received.Count} received, {expected.Count} distinct, {duplicates.Count} duplicate(s) after {kills} kills: {string.Join(", ", duplicates)}");
        Assert.True(duplicates.Count <= kills, $"{duplicates.Count} messages arrived twice after {kills} kills");
        Assert.All(received.GroupBy(m => m.MessageId), g => Assert.InRange(g.Count(), 1, 2));
        await using var check = new NpgsqlConnection(_connectionString);
        Assert.Equal(Emails, await check.ExecuteScalarAsync<int>("select count(*) from outbox.messages where status = 'done'"));
    }

    private async Task<long> PendingAsync()
    {
        await using var conn = new NpgsqlConnection(_connectionString);
        return await conn.ExecuteScalarAsync<long>("select count(*) from outbox.messages where status <> 'done'");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met in time. Host output:\n" + diagnostics());
            await Task.Delay(5);
        }
    }

    public async Task DisposeAsync()
    {
        if (_connectionString.Length == 0) return;
        await _smtp.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestServers.RequireAdminConnectionString());
        await admin.ExecuteAsync($"drop database if exists {_database} with (force)");
    }
}
