using System.Net.Http.Json;
using System.Security.Cryptography;
using Dapper;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Flows.Notices;
using Marketplace.IntegrationTests.Support;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Outbox;
using Marketplace.Notifications.Preferences;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>Each kind of process email, through the outbox and a real SMTP server, once per event and recipient.</summary>
public sealed class ProcessEmailTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private IEnumerable<MimeMessage> To(string email, string subject) =>
        app.Smtp.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address.Equals(email, StringComparison.OrdinalIgnoreCase)) && (m.Subject ?? "").Contains(subject));

    [PostgresFact]
    public async Task ReviewResultsObjectionsAwardsAndMilestones_EachReachTheRightPeopleOnce()
    {
        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app, TestData.ScenarioCommand("邮件：社区充电桩安全监测"), 2);
        var officer = await TestData.OfficerAsync(app);
        var officerClient = await app.SignedInClientAsync(officer.Email, TestData.Password);
        var reviewer = await app.Get<UserStore>().EnsureAsync($"reviewer{Guid.NewGuid():N}@expert.test", "评审专家", TestData.Password, Roles.Reviewer, null, null, default);
        var members = await new NpgsqlConnection(app.ConnectionString).QueryAsync<(Guid Application, string Email)>(
            "select a.id, u.email from scenarios.applications a join accounts.users u on u.id = a.submitted_by where a.scenario_id = @id", new { id = scenario.Id });
        var emailOf = members.ToDictionary(m => m.Application, m => m.Email);
        var (winner, loser) = (applicants[0].Application, applicants[1].Application);

        await officerClient.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        await officerClient.PostAsJsonAsync($"/api/v1/applications/{winner}/reviewers", new { reviewerId = reviewer.Id });
        await app.DrainOutboxAsync();
        var assignment = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(reviewer.Email) && m.Subject!.Contains("评审任务"));
        Assert.Contains("/reviewer", assignment.TextBody);
        Assert.Null(assignment.Headers["List-Unsubscribe"]); // essential

        var decided = await officerClient.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision", new DecisionDto([winner], "方案完整、报价合理，专家意见一致。"));
        Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(emailOf[winner]) && m.Subject!.Contains("拟入选公示"));
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(emailOf[loser]) && m.Subject!.Contains("评审结果"));

        var objector = $"objector{Guid.NewGuid():N}@citizen.test";
        await app.CreateClient().PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/objections",
            new { name = "张先生", email = objector, content = "入选企业的案例与申报材料不符，请核实。" });
        await TestData.ConfirmObjectionAsync(app, objector);
        await app.DrainOutboxAsync();
        var filed = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(officer.Email) && m.Subject!.Contains("收到异议"));
        Assert.Contains("入选企业的案例与申报材料不符", filed.TextBody);
        var objections = await officerClient.GetFromJsonAsync<List<Objection>>($"/api/v1/scenarios/{scenario.Id}/objections");
        await officerClient.PostAsJsonAsync($"/api/v1/objections/{objections![0].Id}/answer", new { answer = "经核实，案例真实有效，异议不成立。", upheld = false });
        await app.DrainOutboxAsync();
        var answered = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(objector) && m.Subject!.Contains("异议答复"));
        Assert.Contains("异议不成立", answered.TextBody);

        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = now() - interval '1 minute' where id = @id", new { id = scenario.Id });
        await app.Get<AwardProcess>().FinishPublicityAsync(default);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(emailOf[winner]) && m.Subject!.Contains("揭榜成功"));
        Assert.Empty(To(emailOf[loser], "揭榜成功"));

        await officerClient.PostAsync($"/api/v1/scenarios/{scenario.Id}/delivery/start", null);
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.ExecuteAsync("""
                update scenarios.milestones m set due_at = now() + interval '2 days' from scenarios.awards w where w.id = m.award_id and w.scenario_id = @id and m.seq = 1;
                update scenarios.milestones m set due_at = now() - interval '1 day', overdue_at = now() from scenarios.awards w where w.id = m.award_id and w.scenario_id = @id and m.seq = 2;
                """, new { id = scenario.Id });
        }
        var follows = app.Get<Follows>();
        Assert.Equal(2, await follows.MilestoneRemindersAsync(default));
        Assert.Equal(0, await follows.MilestoneRemindersAsync(default)); // once each
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(emailOf[winner]) && m.Subject!.Contains("里程碑即将到期"));
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(emailOf[winner]) && m.Subject!.Contains("里程碑已逾期"));

        foreach (var subject in new[] { "拟入选公示", "揭榜成功", "里程碑即将到期", "里程碑已逾期" })
            Assert.Single(To(emailOf[winner], subject));
    }
}

/// <summary>Follows (instant and digests), the daily cap, and deadline reminders.</summary>
public sealed class FollowTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private IReadOnlyList<MimeMessage> To(string email) =>
        app.Smtp.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address.Equals(email, StringComparison.OrdinalIgnoreCase))).ToList();

    private async Task<(UserAccount User, HttpClient Client)> FollowerAsync(string frequency, params (string Kind, string Value)[] follows)
    {
        var user = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var client = await app.SignedInClientAsync(user.Email, TestData.Password);
        await MarketplaceApp.PostFormAsync(client, "/account/follows", "/account/follows/frequency", new Dictionary<string, string> { ["frequency"] = frequency });
        foreach (var (kind, value) in follows)
            await MarketplaceApp.PostFormAsync(client, "/account/follows", "/account/follows", new Dictionary<string, string> { ["kind"] = kind, ["value"] = value });
        return (user, client);
    }

    [PostgresFact]
    public async Task InstantFollowers_GetAlerts_UpToTheDailyCap_ThenTheRestComesInTheDigest()
    {
        var technology = "关注测试技术" + Guid.NewGuid().ToString("N")[..6];
        var (instant, instantClient) = await FollowerAsync("instant", ("technology", technology));
        var (daily, _) = await FollowerAsync("daily", ("technology", technology));
        var (weekly, _) = await FollowerAsync("weekly", ("technology", technology));
        Assert.Contains(technology, await instantClient.GetStringAsync("/account/follows"));

        var cap = app.Get<IOptions<NotificationOptions>>().Value.DailyCap;
        var published = new List<Scenario>();
        for (var i = 0; i < cap + 1; i++)
            published.Add(await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand($"关注提醒测试场景第{i + 1}号") with { Technologies = ["物联网", technology] }));
        await app.DrainOutboxAsync();

        var alerts = To(instant.Email).Where(m => m.Subject!.StartsWith("关注的新场景")).ToList();
        Assert.Equal(cap, alerts.Count);
        Assert.All(alerts, m => Assert.Equal("List-Unsubscribe=One-Click", m.Headers["List-Unsubscribe-Post"]));
        Assert.Contains($"技术：{technology}", alerts[0].TextBody);
        Assert.Empty(To(daily.Email));

        var follows = app.Get<Follows>();
        await follows.DigestsAsync(default);
        await app.DrainOutboxAsync();
        var digest = Assert.Single(To(daily.Email), m => m.Subject!.Contains("每日关注摘要"));
        Assert.All(published, s => Assert.Contains(s.Title, digest.TextBody));
        // Over the cap already today, the instant follower's held-back alert waits for tomorrow's digest.
        Assert.DoesNotContain(To(instant.Email), m => m.Subject!.Contains("摘要"));
        var weeklyGot = To(weekly.Email).Any(m => m.Subject!.Contains("每周关注摘要"));
        Assert.Equal(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DayOfWeek == DayOfWeek.Monday, weeklyGot);

        Assert.Equal(0, await follows.DigestsAsync(default)); // once a day
    }

    [PostgresFact]
    public async Task DeadlineReminders_GoToDraftsAndFollowersOfTheScenario_OncePerLead()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("截止提醒：社区微更新设计征集") with { ClosesAt = DateTimeOffset.UtcNow.AddDays(2) });
        var drafter = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var drafterClient = await app.SignedInClientAsync(drafter.Email, TestData.Password);
        await drafterClient.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", new SubmitApplicationDto("草稿", 0, Draft: true));
        var (follower, _) = await FollowerAsync("daily", ("scenario", scenario.Id.ToString()));
        var submitter = await TestData.MemberAsync(app, await TestData.FirmAsync(app));
        var submitterClient = await app.SignedInClientAsync(submitter.Email, TestData.Password);
        await submitterClient.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", TestData.Proposal("已经完整提交的申报方案，不需要截止提醒。", 10));

        var follows = app.Get<Follows>();
        Assert.Equal(2, await follows.DeadlineRemindersAsync(default));
        Assert.Equal(0, await follows.DeadlineRemindersAsync(default));
        await app.DrainOutboxAsync();
        var toDrafter = Assert.Single(To(drafter.Email), m => m.Subject!.Contains("天后截止"));
        Assert.Contains("草稿", toDrafter.TextBody);
        Assert.StartsWith("2 天后截止", toDrafter.Subject);
        var toFollower = Assert.Single(To(follower.Email), m => m.Subject!.Contains("天后截止"));
        Assert.Contains("您关注了这个场景", toFollower.TextBody);
        Assert.DoesNotContain(To(submitter.Email), m => m.Subject!.Contains("天后截止"));
    }
}

/// <summary>Faults: a worker killed in the middle of a batch, two workers on one database, and DKIM signing.</summary>
public sealed class OutboxFaultTests(ManualOutboxMarketplaceApp app) : IClassFixture<ManualOutboxMarketplaceApp>
{
    private async Task<IReadOnlyList<EmailMessage>> EnqueueAsync(string run, int count)
    {
        var emails = Enumerable.Range(0, count).Select(i => new EmailMessage(
            $"test.{run}.v1:{i}:firm{i}@{run}.test", $"firm{i}@{run}.test", $"批量 {run} #{i}", "正文", "<p>正文</p>")).ToList();
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var e in emails) await OutboxEnqueue.EmailAsync(conn, tx, e, DateTimeOffset.UtcNow, default);
        await tx.CommitAsync();
        return emails;
    }

    private OutboxProcessor Worker() => new(app.Get<NpgsqlDataSource>(),
        [new EmailDeliveryHandler(new MailKitEmailSender(Options.Create(new SmtpOptions { Port = app.Smtp.Port, Security = "None" })))],
        Options.Create(new OutboxOptions { BatchSize = 50 }), TimeProvider.System, NullLogger<OutboxProcessor>.Instance);

    private IReadOnlyList<MimeMessage> Received(string run) => app.Smtp.Messages.Where(m => m.To.ToString().EndsWith($"@{run}.test")).ToList();

    [PostgresFact]
    public async Task AWorkerKilledMidBatch_LosesNothing_AndAnyResendKeepsItsMessageId()
    {
        var run = "kill" + Guid.NewGuid().ToString("N")[..6];
        var emails = await EnqueueAsync(run, 40);
        using var kill = new CancellationTokenSource();
        app.Smtp.Received = _ => { if (Received(run).Count >= 15) kill.Cancel(); };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Worker().ProcessBatchAsync(kill.Token));
        app.Smtp.Received = null;
        var beforeRestart = Received(run).Count;
        Assert.InRange(beforeRestart, 15, 39); // stopped in the middle: the finished messages are recorded, the rest handed back

        var restarted = Worker();
        while (await restarted.ProcessBatchAsync(default) > 0) { }
        var all = Received(run);
        var expected = emails.Select(e => "<" + MailKitEmailSender.MessageIdFor(e.DedupeKey, "marketplace.local") + ">").ToHashSet();
        Assert.Equal(expected, all.Select(m => "<" + m.MessageId + ">").ToHashSet()); // nothing lost, no new ids
        Assert.All(all.GroupBy(m => m.MessageId), g => Assert.Single(g.Select(m => m.To.ToString()).Distinct()));
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from outbox.messages where dedupe_key like @p and status <> 'done'", new { p = $"test.{run}.v1:%" }));
    }

    [PostgresFact]
    public async Task TwoWorkersOnOneDatabase_SendEachMessageOnce()
    {
        var run = "two" + Guid.NewGuid().ToString("N")[..6];
        await EnqueueAsync(run, 300);
        async Task Drain(OutboxProcessor worker)
        {
            while (await worker.ProcessBatchAsync(default) > 0) { }
        }
        await Task.WhenAll(Drain(Worker()), Drain(Worker()));
        var received = Received(run);
        Assert.Equal(300, received.Count);
        Assert.Equal(300, received.Select(m => m.MessageId).Distinct().Count());
    }

    [PostgresFact]
    public async Task WithAKeyConfigured_MessagesAreDkimSigned_AndTheSignatureVerifies()
    {
        using var rsa = RSA.Create(2048);
        var keyPath = Path.Combine(Path.GetTempPath(), $"dkim-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyPath, rsa.ExportRSAPrivateKeyPem());
        try
        {
            var sender = new MailKitEmailSender(Options.Create(new SmtpOptions
            {
                Port = app.Smtp.Port, Security = "None", FromAddress = "noreply@tongzhou.example", DkimPrivateKeyPath = keyPath, DkimSelector = "mkt2026",
            }));
            await sender.SendAsync(new EmailMessage("test.dkim.v1:a", "dkim@firm.test", "签名测试 / DKIM", "正文 body", "<p>正文</p>"), default);
            var message = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains("dkim@firm.test"));
            var signature = message.Headers[HeaderId.DkimSignature];
            Assert.Contains("d=tongzhou.example", signature);
            Assert.Contains("s=mkt2026", signature);
            var verifier = new DkimVerifier(new KeyLocator(rsa));
            Assert.True(await verifier.VerifyAsync(message, message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)]));
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    private sealed class KeyLocator(RSA rsa) : DkimPublicKeyLocatorBase
    {
        private Org.BouncyCastle.Crypto.AsymmetricKeyParameter Key() =>
            Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(rsa.ExportSubjectPublicKeyInfo());

        public override Org.BouncyCastle.Crypto.AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => Key();

        public override Task<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(Key());
    }
}
