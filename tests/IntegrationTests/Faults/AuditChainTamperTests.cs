using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.IntegrationTests.Support;
using Npgsql;

namespace Marketplace.IntegrationTests.Faults;

/// <summary>
/// Someone with the database owner's rights bypasses the append-only trigger and changes, removes or reorders an entry
/// of the audit chain: <c>verify-audit</c> (the real command, as a process) exits 1 naming the entry, and the admin
/// audit page shows the chain broken there. Each tampering is undone afterwards, and the chain verifies again.
/// </summary>
public sealed class AuditChainTamperTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task<long> SeedAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        if (await conn.ExecuteScalarAsync<long>("select count(*) from audit.entries") < 6)
            for (var i = 0; i < 3; i++) await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand($"审计演练场景 {i}"));
        return await conn.ExecuteScalarAsync<long>("select min(seq) + 2 from audit.entries"); // an entry in the middle
    }

    /// <summary>Runs statements on the entries with the append-only trigger off, as an owner bypassing it would.</summary>
    private async Task TamperAsync(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("alter table audit.entries disable trigger entries_append_only", transaction: tx);
        await conn.ExecuteAsync(sql, args, tx);
        await conn.ExecuteAsync("alter table audit.entries enable trigger entries_append_only", transaction: tx);
        await tx.CommitAsync();
    }

    private Dictionary<string, string?> Env => WebProcess.Environment(app.ConnectionString);

    private async Task AssertBrokenAtAsync(long seq, string kind, string pageText)
    {
        var (_, broken) = await AuditLog.VerifyAsync(app.Get<NpgsqlDataSource>(), default);
        Assert.Equal((seq, kind), (broken!.Seq, broken.Kind));

        var (code, output) = await WebProcess.CommandAsync(Env, "verify-audit");
        Assert.True(code == 1, output);
        Assert.Contains($"first broken entry #{seq}:", output);

        var admin = await app.Get<Marketplace.Accounts.Users.UserStore>().EnsureAsync($"audit-{Guid.NewGuid():N}@gov.test", "审计员", TestData.Password,
            Marketplace.Accounts.Roles.Admin, null, "平台", default);
        var page = await (await app.SignedInClientAsync(admin.Email, TestData.Password)).GetStringAsync("/admin/audit");
        Assert.Contains($"哈希链在第 {seq} 条断开：{pageText}", page);
    }

    private async Task AssertIntactAsync()
    {
        var (_, broken) = await AuditLog.VerifyAsync(app.Get<NpgsqlDataSource>(), default);
        Assert.Null(broken);
    }

    [PostgresFact]
    public async Task AnEntryWhoseContentWasChanged_IsNamed()
    {
        var target = await SeedAsync();
        var original = await new NpgsqlConnection(app.ConnectionString).ExecuteScalarAsync<string>("select after::text from audit.entries where seq = @target", new { target });
        await TamperAsync("update audit.entries set after = '{\"status\":\"rejected\"}' where seq = @target", new { target });
        try
        {
            await AssertBrokenAtAsync(target, "changed", "内容在写入后被修改");
        }
        finally
        {
            await TamperAsync("update audit.entries set after = @original::jsonb where seq = @target", new { target, original });
        }
        await AssertIntactAsync();
    }

    [PostgresFact]
    public async Task ARemovedEntry_IsNamedByItsNumber()
    {
        var target = await SeedAsync();
        await TamperAsync("create table audit.removed as select * from audit.entries where seq = @target; delete from audit.entries where seq = @target", new { target });
        try
        {
            await AssertBrokenAtAsync(target, "missing", "该条记录已被删除");
        }
        finally
        {
            await TamperAsync("insert into audit.entries select * from audit.removed; drop table audit.removed");
        }
        await AssertIntactAsync();
    }

    [PostgresFact]
    public async Task TwoEntriesSwapped_AreFoundOutOfOrder()
    {
        var target = await SeedAsync();
        const string swap = """
            update audit.entries set seq = -seq where seq = @target;
            update audit.entries set seq = @target where seq = @target + 1;
            update audit.entries set seq = @target + 1 where seq = -@target;
            """;
        await TamperAsync(swap, new { target });
        try
        {
            await AssertBrokenAtAsync(target, "out_of_order", "记录顺序被调换");
        }
        finally
        {
            await TamperAsync(swap, new { target });
        }
        await AssertIntactAsync();
    }

    [PostgresFact]
    public async Task NewestEntriesRemoved_AreFoundAgainstTheRecordedHead()
    {
        await SeedAsync();
        var (code, output) = await WebProcess.CommandAsync(Env, "verify-audit");
        Assert.True(code == 0, output);
        var head = System.Text.RegularExpressions.Regex.Match(output, @"head (\d+:[0-9a-f]{64})").Groups[1].Value;
        var last = long.Parse(head.Split(':')[0]);
        await TamperAsync("create table audit.removed as select * from audit.entries where seq = @last; delete from audit.entries where seq = @last", new { last });
        try
        {
            // What is left is a valid chain: only the head recorded earlier shows the loss.
            Assert.Equal(0, (await WebProcess.CommandAsync(Env, "verify-audit")).ExitCode);
            (code, output) = await WebProcess.CommandAsync(Env, "verify-audit", "--head", head);
            Assert.True(code == 1, output);
            Assert.Contains($"first broken entry #{last}: entry #{last}, the recorded head, is missing", output);
        }
        finally
        {
            await TamperAsync("insert into audit.entries select * from audit.removed; drop table audit.removed");
        }
        Assert.Equal(0, (await WebProcess.CommandAsync(Env, "verify-audit", "--head", head)).ExitCode);
    }
}
