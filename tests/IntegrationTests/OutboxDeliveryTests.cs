using Dapper;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.IntegrationTests.Support;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.IntegrationTests;

public sealed class OutboxDeliveryTests(ManualOutboxMarketplaceApp app) : IClassFixture<ManualOutboxMarketplaceApp>
{
    private async Task EnqueueAsync(EmailMessage email)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await OutboxEnqueue.EmailAsync(conn, tx, email, DateTimeOffset.UtcNow, default);
        await tx.CommitAsync();
    }

    [PostgresFact]
    public async Task Enqueue_SameDedupeKeyTwice_SendsOnce()
    {
        var email = new EmailMessage("test.v1:dedupe:a@firm.test", "a@firm.test", "一次 / once", "正文", "<p>正文</p>");
        await EnqueueAsync(email);
        await EnqueueAsync(email);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains("a@firm.test"));
        await Task.Delay(300);
        Assert.Single(app.Smtp.Messages, m => m.To.ToString().Contains("a@firm.test"));
    }

    [PostgresFact]
    public async Task Delivery_WhenSmtpIsDownThenBack_RetriesAndDeliversOnce()
    {
        var email = new EmailMessage("test.v1:retry:b@firm.test", "b@firm.test", "重试 / retry", "正文", "<p>正文</p>");
        await EnqueueAsync(email);

        // First attempt through a relay that is down: the row stays pending with its error and a later due time.
        var down = Options.Create(new SmtpOptions { Port = TestSmtpServer.FreePort(), Security = "None", Timeout = TimeSpan.FromSeconds(2) });
        var failing = new OutboxProcessor(app.Get<NpgsqlDataSource>(), [new EmailDeliveryHandler(new MailKitEmailSender(down))],
            Options.Create(new OutboxOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(100) }),
            TimeProvider.System, NullLogger<OutboxProcessor>.Instance);
        Assert.Equal(1, await failing.ProcessBatchAsync(default));
        var afterFailure = await RowAsync(email.DedupeKey);
        Assert.Equal(("pending", 1), (afterFailure.Status, afterFailure.Attempts));
        Assert.NotNull(afterFailure.LastError);

        // The relay is back: after the backoff the next pass delivers it, once.
        await Task.Delay(200);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains("b@firm.test"));
        Assert.Equal(("done", 2), ((await RowAsync(email.DedupeKey)).Status, (await RowAsync(email.DedupeKey)).Attempts));
        Assert.Single(app.Smtp.Messages, m => m.To.ToString().Contains("b@firm.test"));
    }

    [PostgresFact]
    public async Task Delivery_WhenTheServerRefusesForAWhile_RetriesAndDeliversOnce()
    {
        var email = new EmailMessage("test.v1:refused:r@firm.test", "r@firm.test", "拒收后重试 / refused, then accepted", "正文", "<p>正文</p>");
        await EnqueueAsync(email);
        var worker = new OutboxProcessor(app.Get<NpgsqlDataSource>(),
            [new EmailDeliveryHandler(new MailKitEmailSender(Options.Create(new SmtpOptions { Port = app.Smtp.Port, Security = "None" })))],
            Options.Create(new OutboxOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(100) }), TimeProvider.System, NullLogger<OutboxProcessor>.Instance);

        app.Smtp.Refusing = true;
        Assert.Equal(1, await worker.ProcessBatchAsync(default));
        await Task.Delay(250);
        Assert.Equal(1, await worker.ProcessBatchAsync(default));
        var refused = await RowAsync(email.DedupeKey);
        Assert.Equal(("pending", 2), (refused.Status, refused.Attempts));
        Assert.Contains("try again later", refused.LastError);

        app.Smtp.Refusing = false;
        await Task.Delay(600);
        Assert.Equal(1, await worker.ProcessBatchAsync(default));
        Assert.Equal("done", (await RowAsync(email.DedupeKey)).Status);
        Assert.Single(app.Smtp.Messages, m => m.To.ToString().Contains("r@firm.test"));
    }

    [PostgresFact]
    public async Task Delivery_ByTwoWorkersOfFourLanes_SendsEveryMessageOnceAndMarksItDone()
    {
        var emails = Enumerable.Range(0, 300).Select(i => new EmailMessage($"test.v1:lanes:{i}@lanes.test", $"{i}@lanes.test", "并行 / lanes", "正文", "<p>正文</p>")).ToList();
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            foreach (var email in emails) await OutboxEnqueue.EmailAsync(conn, tx, email, DateTimeOffset.UtcNow, default);
            await tx.CommitAsync();
        }

        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            using var sender = new MailKitEmailSender(Options.Create(new SmtpOptions { Port = app.Smtp.Port, Security = "None" }));
            var worker = new OutboxProcessor(app.Get<NpgsqlDataSource>(), [new EmailDeliveryHandler(sender)],
                Options.Create(new OutboxOptions { BatchSize = 40, Lanes = 4 }), TimeProvider.System, NullLogger<OutboxProcessor>.Instance);
            while (await worker.ProcessBatchAsync(default) > 0) { }
        }));

        await app.Smtp.WaitForAsync(_ => app.Smtp.Messages.Count(m => m.To.ToString().Contains("@lanes.test")) >= emails.Count);
        await Task.Delay(300);
        var sent = app.Smtp.Messages.Where(m => m.To.ToString().Contains("@lanes.test")).Select(m => m.MessageId).ToList();
        Assert.Equal(emails.Count, sent.Count);
        Assert.Equal(emails.Count, sent.Distinct().Count());
        foreach (var email in emails.Where((_, i) => i % 50 == 0)) Assert.Equal("done", (await RowAsync(email.DedupeKey)).Status);
    }

    [PostgresFact]
    public async Task Delivery_WhenAttemptsRunOut_DeadLetters()
    {
        var email = new EmailMessage("test.v1:dead:c@firm.test", "c@firm.test", "死信 / dead", "正文", "<p>正文</p>");
        await EnqueueAsync(email);
        var down = Options.Create(new SmtpOptions { Port = TestSmtpServer.FreePort(), Security = "None", Timeout = TimeSpan.FromSeconds(2) });
        var failing = new OutboxProcessor(app.Get<NpgsqlDataSource>(), [new EmailDeliveryHandler(new MailKitEmailSender(down))],
            Options.Create(new OutboxOptions { MaxAttempts = 2, FirstRetryDelay = TimeSpan.Zero }),
            TimeProvider.System, NullLogger<OutboxProcessor>.Instance);

        await failing.ProcessBatchAsync(default);
        await failing.ProcessBatchAsync(default);

        Assert.Equal(("dead", 2), ((await RowAsync(email.DedupeKey)).Status, (await RowAsync(email.DedupeKey)).Attempts));
    }

    [PostgresFact]
    public async Task AdminPage_ShowsDeadLetters_AndRetryDeliversThem()
    {
        var email = new EmailMessage("test.v1:admin-retry:d@firm.test", "d@firm.test", "重试页 / retry page", "正文", "<p>正文</p>");
        await EnqueueAsync(email);
        var down = Options.Create(new SmtpOptions { Port = TestSmtpServer.FreePort(), Security = "None", Timeout = TimeSpan.FromSeconds(2) });
        var failing = new OutboxProcessor(app.Get<NpgsqlDataSource>(), [new EmailDeliveryHandler(new MailKitEmailSender(down))],
            Options.Create(new OutboxOptions { MaxAttempts = 1, FirstRetryDelay = TimeSpan.Zero }), TimeProvider.System, NullLogger<OutboxProcessor>.Instance);
        await failing.ProcessBatchAsync(default);
        var admin = await app.Get<Marketplace.Accounts.Users.UserStore>().EnsureAsync($"ops-{Guid.NewGuid():N}@gov.test", "运维", TestData.Password,
            Marketplace.Accounts.Roles.Admin, null, "平台", default);
        var client = await app.SignedInClientAsync(admin.Email, TestData.Password);

        var page = await client.GetStringAsync("/admin/outbox?status=dead");
        Assert.Contains("test.v1:admin-retry:d@firm.test", page);
        var id = (await app.Get<OutboxAdmin>().ListAsync("dead", [], default)).Rows.Single(r => r.DedupeKey == email.DedupeKey).Id;
        await MarketplaceApp.PostFormAsync(client, "/admin/outbox?status=dead", $"/admin/outbox/{id}/retry", new Dictionary<string, string>());
        await app.DrainOutboxAsync();

        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains("d@firm.test"));
        Assert.Equal("done", (await RowAsync(email.DedupeKey)).Status);
    }

    private sealed record Row(string Status, int Attempts, string? LastError);

    private async Task<Row> RowAsync(string dedupeKey)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.QuerySingleAsync<Row>("select status, attempts, last_error from outbox.messages where dedupe_key = @dedupeKey", new { dedupeKey });
    }
}
