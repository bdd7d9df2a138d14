using Marketplace.BuildingBlocks.Migrations;
using Marketplace.Flows.Indexing;
using Marketplace.Web.Demo;
using Marketplace.Flows.Recommending;

namespace Marketplace.Web.Infrastructure;

/// <summary>Operational subcommands of the host binary: <c>dotnet run --project web -- &lt;command&gt;</c>. Each runs and exits.</summary>
public static class HostCommands
{
    private static readonly Dictionary<string, string> Help = new()
    {
        ["migrate"] = "apply database migrations",
        ["seed-demo"] = "load the demo scenarios, firms and accounts into an empty database",
        ["reindex"] = "rebuild the search index from the database",
        ["verify-audit"] = "check the audit log's hash chain and report the first broken entry",
        ["import"] = "import --file F [--dry-run] [--kind enterprises|scenarios]: JSON, .xlsx or .csv enterprise lists; JSON scenario lists",
    };

    public static bool IsCommand(string[] args) => args.Length > 0 && (Help.ContainsKey(args[0]) || args[0] is "help" or "--help-commands");

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var services = app.Services;
        var ct = app.Lifetime.ApplicationStopping;
        switch (args[0])
        {
            case "migrate":
                var applied = services.GetRequiredService<Migrator>().Run();
                Console.WriteLine($"migrate: {applied} script(s) applied");
                return 0;
            case "seed-demo":
                services.GetRequiredService<Migrator>().Run();
                var seeded = await services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(ct);
                Console.WriteLine(seeded ? "seed-demo: demo data loaded" : "seed-demo: database already has scenarios; nothing loaded");
                return 0;
            case "reindex":
                services.GetRequiredService<Migrator>().Run();
                var started = System.Diagnostics.Stopwatch.StartNew();
                var indexer = services.GetRequiredService<SearchIndexer>();
                await TerminalProgress.RunAsync("reindex", progress => indexer.RebuildAsync(ct, progress));
                Console.WriteLine($"reindex: done in {started.Elapsed.TotalSeconds:0.0} s");
                return 0;
            case "import":
                return await ImportCommand.RunAsync(services, args, ct);
            case "verify-audit":
                services.GetRequiredService<Migrator>().Run();
                var (entries, broken) = await services.GetRequiredService<Marketplace.BuildingBlocks.Audit.AuditQueries>().VerifyAsync(ct);
                if (broken is null)
                {
                    Console.WriteLine($"verify-audit: {entries} entries, chain intact");
                    return 0;
                }
                Console.WriteLine($"verify-audit: {entries} entries; first broken entry #{broken.Seq}: {broken.Problem}");
                return 1;
            default:
                Console.WriteLine("Commands:");
                foreach (var (name, text) in Help) Console.WriteLine($"  {name,-10} {text}");
                return 0;
        }
    }
}
