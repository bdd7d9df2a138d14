using Dapper;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>Officers drafting at the same moment: every draft reported as saved is saved, each with its own code.</summary>
public sealed class ConcurrentDraftTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task DraftsCreatedAtOnce_AreAllStored_WithDistinctCodes()
    {
        var create = app.Get<CreateScenario>();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => create.HandleAsync(TestData.ScenarioCommand($"并发起草场景 {i}"), default))));

        var ids = results.Select(r => r.Value).ToList();
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        var codes = (await conn.QueryAsync<string>("select code from scenarios.scenarios where id = any(@ids)", new { ids })).ToList();
        Assert.Equal(20, codes.Count);
        Assert.Equal(20, codes.Distinct().Count());
    }
}
