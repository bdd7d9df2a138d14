using Marketplace.BuildingBlocks.Migrations;
using Marketplace.Flows.Indexing;
using Marketplace.Web.Demo;
using Marketplace.Flows.Recommending;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Infrastructure;

/// <summary>What runs before the site takes requests: migrations, demo data on a first start, an index check.</summary>
public sealed class StartupTasks(Migrator migrator, DemoSeeder demo, SearchIndexer indexer, IOptions<DemoOptions> demoOptions)
{
    public async Task RunAsync(CancellationToken ct)
    {
        migrator.Run();
        if (demoOptions.Value.Seed) await demo.SeedIfEmptyAsync(ct);
        await indexer.EnsureCurrentOrDeferAsync(ct);
    }
}
