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

        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            var unfinished = (await conn.QueryAsync<string>(
                "select dedupe_key || ' ' || status || ' ' || attempts || ' ' || coalesce(last_error, '') from outbox.messages " +
                "where dedupe_key like 'test.v1:lanes:%' and status <> 'done'")).ToList();
            Assert.True(unfinished.Count == 0, "Left unfinished by the workers:\n" + string.Join("\n", unfinished));
        }
        await app.Smtp.WaitForAsync(_ => app.Smtp.Messages.Count(m => m.To.ToString().Contains("@lanes.test")) >= emails.Count);
        await Task.Delay(300);
        var sent = app.Smtp.Messages.Where(m => m.To.ToString().Contains("@lanes.test")).Select(m => m.MessageId).ToList();
        Assert.Equal(emails.Count, sent.Count);
        Assert.Equal(emails.Count, sent.Distinct().Count());
        foreach (var email in emails.Where((_, i) => i % 50 == 0)) Assert.Equal("done", (await RowAsync(email.DedupeKey)).Status);
    }

    [PostgresFact]
    public async Task AClaimedMessage_BrieflyLockedByAnotherWorkersScan_IsStillHandledByItsOwner()
    {
        var email = new EmailMessage("test.v1:held:h@firm.test", "h@firm.test", "锁 / held", "正文", "<p>正文</p>");
        await EnqueueAsync(email);
        // Claimed by its owner: the lease's end names the claim.
        var leaseUntil = new DateTimeOffset((DateTimeOffset.UtcNow.UtcTicks + TimeSpan.TicksPerMinute) / 10 * 10, TimeSpan.Zero);
        await using var owner = new NpgsqlConnection(app.ConnectionString);
        await owner.OpenAsync();
        var id = await owner.QuerySingleAsync<Guid>(
            "update outbox.messages set next_attempt_at = @leaseUntil, attempts = attempts + 1 where dedupe_key = @k returning id",
            new { leaseUntil, k = email.DedupeKey });

        // Another worker's statement holds the row's lock for a moment (as a claim scan that found it not due does).
        await using var other = new NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        var otherTx = await other.BeginTransactionAsync();
        await other.ExecuteAsync("select 1 from outbox.messages where id = @id for update", new { id }, otherTx);

        await using var tx = await owner.BeginTransactionAsync();
        var hold = OutboxStore.HoldAsync(owner, tx, id, leaseUntil, default);
        await Task.Delay(300);
        await otherTx.CommitAsync();
        Assert.True(await hold, "the owner waits for the passing lock and keeps its message");
        await tx.RollbackAsync();
        await owner.ExecuteAsync("update outbox.messages set status = 'done' where id = @id", new { id });
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
