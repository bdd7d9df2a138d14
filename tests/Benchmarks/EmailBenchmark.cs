using Marketplace.BuildingBlocks.Migrations;
using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dapper;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Outbox;
using Marketplace.Web.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Marketplace.Benchmarks;

/// <summary>
/// N invitations (rendered from the template, with unsubscribe links) written to the outbox in one transaction, then
/// delivered by the outbox worker through MailKit to an SMTP server on this machine, which counts messages and
/// Message-IDs: one worker, two workers, and two workers of four lanes each (OutboxOptions.Lanes). Targets: issue 6, 10,000
/// in ≤ 60 s; issue 15, 100,000 in ≤ 2 minutes with two workers; outbox drained, no duplicates. Needs BENCH_PG.
/// </summary>
internal static class EmailBenchmark
{
    public static async Task RunAsync(int count)
    {
        var admin = Environment.GetEnvironmentVariable("BENCH_PG");
        if (string.IsNullOrEmpty(admin)) { Console.Error.WriteLine("email benchmark: set BENCH_PG (./infra/bench does)"); return; }
        var database = "bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await new NpgsqlCommand($"create database {database}", c).ExecuteNonQueryAsync(); }
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = database, MaxPoolSize = 20 }.ConnectionString;
        Marketplace.BuildingBlocks.Data.DapperSetup.Configure();
        await using var db = NpgsqlDataSource.Create(cs);
        new Migrator(db, new MigrationCatalog(Marketplace.Web.Infrastructure.Database.AllMigrations), NullLogger<Migrator>.Instance).Run();

        var received = new ConcurrentDictionary<string, int>();
        var port = FreePort();
        using var stop = new CancellationTokenSource();
        var server = new SmtpServer.SmtpServer(
            new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build(),
            Services(received));
        var serving = server.StartAsync(stop.Token);

        foreach (var (workers, lanes) in new[] { (1, 1), (2, 1), (2, 4) })
        {
            received.Clear();
            var run = $"w{workers}l{lanes}";
            var label = $"{workers} worker(s) × {lanes} lane(s)";
            var enqueue = Stopwatch.StartNew();
            await using (var conn = await db.OpenConnectionAsync())
            await using (var tx = await conn.BeginTransactionAsync())
            {
                for (var i = 0; i < count; i++)
                {
                    var to = $"firm{i}@{run}.bench.test";
                    var model = new Dictionary<string, object?>
                    {
                        ["firm"] = $"北京基准测试科技有限公司{i}", ["department"] = "通州区科学技术委员会", ["title"] = "老旧小区智能垃圾分类投放改造", ["code"] = "SC-2026-001",
                        ["summary"] = "在老旧小区改造智能投放点，实现满溢预警和督导提醒。", ["deadline"] = "2026-12-31 17:00",
                        ["reasons"] = new[] { "技术匹配：物联网、计算机视觉（2/2）", "领域经验：数字化社区", "已认证：高新技术企业" },
                        ["link"] = "https://marketplace.example/scenarios/1",
                    };
                    var email = EmailTemplates.Render("invitation", model, $"bench.invitation.v1:{run}:{to}", to, $"https://marketplace.example/unsubscribe/{i}");
                    await OutboxEnqueue.EmailAsync(conn, tx, email, DateTimeOffset.UtcNow, default);
                }
                await tx.CommitAsync();
            }
            Console.WriteLine($"[{label}] enqueue {count:N0} rendered invitations: {enqueue.Elapsed.TotalSeconds:0.00} s");

            // Each run starts from a vacuumed table (the earlier runs' rows stay, as done history does in production), so a
            // later run does not pay for the dead index entries an earlier one left.
            await using (var conn = await db.OpenConnectionAsync()) await conn.ExecuteAsync("vacuum analyze outbox.messages");
            var deliver = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
            {
                var worker = new OutboxProcessor(db,
                    [new EmailDeliveryHandler(new MailKitEmailSender(Options.Create(new SmtpOptions { Port = port, Security = "None" })))],
                    Options.Create(new OutboxOptions { BatchSize = 200, Lanes = lanes }), TimeProvider.System, NullLogger<OutboxProcessor>.Instance);
                while (await worker.ProcessBatchAsync(default) > 0) { }
            }));
            var elapsed = deliver.Elapsed;
            await using var check = await db.OpenConnectionAsync();
            var pending = await check.ExecuteScalarAsync<long>("select count(*) from outbox.messages where status <> 'done'");
            var total = received.Values.Sum();
            var duplicates = received.Values.Count(v => v > 1);
            Console.WriteLine($"[{label}] deliver: {elapsed.TotalSeconds:0.00} s ({count / elapsed.TotalSeconds:0} msg/s) — received {total:N0}, " +
                              $"distinct Message-IDs {received.Count:N0}, duplicates {duplicates}, outbox not done {pending} (targets: 10,000 ≤ 60 s, 100,000 ≤ 120 s with two workers)");
        }
        Console.WriteLine($"peak working set {Stats.PeakWorkingSetMb()} MB");
        await stop.CancelAsync();
        try { await serving; } catch (OperationCanceledException) { }
        NpgsqlConnection.ClearAllPools();
        await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await new NpgsqlCommand($"drop database {database} with (force)", c).ExecuteNonQueryAsync(); }
    }

    internal static SmtpServer.ComponentModel.ServiceProvider Services(ConcurrentDictionary<string, int> received)
    {
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CountingStore(received));
        services.Add(new Marketplace.TestSupport.NoDelayListenerFactory());
        return services;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CountingStore(ConcurrentDictionary<string, int> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            received.AddOrUpdate(message.MessageId ?? "(none)", 1, (_, n) => n + 1);
            return SmtpResponse.Ok;
        }
    }
}
