using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.IntegrationTests.Support;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>The audit log is append-only and hash-chained: tampering shows, and where.</summary>
public sealed class AuditLogTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Changes_AreRecorded_AndTheChainVerifies()
    {
        var scenario = await TestData.PublishedScenarioAsync(app);
        var entries = await AuditLog.ListAsync(app.Get<NpgsqlDataSource>(), "scenario", scenario.Id.ToString(), 10, default);

        Assert.Equal(["scenario.published", "scenario.created"], entries.Select(e => e.Action));
        Assert.Contains("\"status\": \"published\"", entries[0].After);
        var (count, broken) = await AuditLog.VerifyAsync(app.Get<NpgsqlDataSource>(), default);
        Assert.True(count >= 2);
        Assert.Null(broken);
    }

    [PostgresFact]
    public async Task Entries_CannotBeChangedOrRemoved()
    {
        await TestData.PublishedScenarioAsync(app);
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        var update = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("update audit.entries set action = 'x'"));
        Assert.Contains("append-only", update.MessageText);
        await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync("delete from audit.entries"));
    }

}

/// <summary>On its own database, since it breaks the chain on purpose.</summary>
public sealed class AuditTamperingTests(MarketplaceApp tamperApp) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Tampering_ByAnOwnerWhoBypassesTheTrigger_IsFoundAtTheRightEntry()
    {
        await TestData.PublishedScenarioAsync(tamperApp);
        await TestData.PublishedScenarioAsync(tamperApp);
        await using var conn = new NpgsqlConnection(tamperApp.ConnectionString);
        await conn.OpenAsync();
        var target = await conn.ExecuteScalarAsync<long>("select min(seq) + 1 from audit.entries");
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await conn.ExecuteAsync("alter table audit.entries disable trigger entries_append_only", transaction: tx);
            await conn.ExecuteAsync("update audit.entries set after = '{\"status\":\"rejected\"}' where seq = @target", new { target }, tx);
            await conn.ExecuteAsync("alter table audit.entries enable trigger entries_append_only", transaction: tx);
            await tx.CommitAsync();
        }

        var (_, broken) = await AuditLog.VerifyAsync(tamperApp.Get<NpgsqlDataSource>(), default);

        Assert.Equal(target, broken!.Seq);
        Assert.Equal("content changed after it was written", broken.Problem);
    }
}
