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
        ["verify-audit"] = "verify-audit [--head N:HASH]: check the audit log's hash chain (and that a head recorded earlier is still there); exit 1 naming the first broken entry",
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
                return await VerifyAuditAsync(services, args, ct);
            default:
                Console.WriteLine("Commands:");
                foreach (var (name, text) in Help) Console.WriteLine($"  {name,-10} {text}");
                return 0;
        }
    }

    /// <summary>Exit 0 when the chain holds (and the recorded head, if given, is in it); 1 naming the first broken entry; 2 on bad arguments.</summary>
    private static async Task<int> VerifyAuditAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        Marketplace.BuildingBlocks.Audit.AuditHead? recorded = null;
        var at = Array.IndexOf(args, "--head");
        if (at >= 0)
        {
            var parts = at + 1 < args.Length ? args[at + 1].Split(':', 2) : [];
            if (parts.Length != 2 || !long.TryParse(parts[0], out var seq) || parts[1].Length == 0)
            {
                Console.Error.WriteLine("verify-audit: --head takes N:HASH as printed by an earlier run");
                return 2;
            }
            recorded = new(seq, parts[1]);
        }
        services.GetRequiredService<Migrator>().Run();
        var audit = services.GetRequiredService<Marketplace.BuildingBlocks.Audit.AuditQueries>();
        var (entries, broken) = await audit.VerifyAsync(ct);
        if (broken is null && recorded is not null) broken = await audit.CheckHeadAsync(recorded, ct);
        if (broken is not null)
        {
            Console.WriteLine($"verify-audit: {entries} entries; first broken entry #{broken.Seq}: {broken.Problem}");
            return 1;
        }
        var head = await audit.HeadAsync(ct);
        Console.WriteLine($"verify-audit: {entries} entries, chain intact; head {(head is null ? "none" : $"{head.Seq}:{head.Hash}")}");
        return 0;
    }
}
