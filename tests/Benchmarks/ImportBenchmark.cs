using Marketplace.BuildingBlocks.Migrations;
using System.Diagnostics;
using System.Text.Json;
using Marketplace.Enterprises.Import;
using Marketplace.Web.Demo;
using Marketplace.Web.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Marketplace.Benchmarks;

/// <summary>
/// Import of N synthetic firms from a JSON file in the shared/data format into a fresh database: read, check every
/// row, COPY and upsert. Then the same file again (nothing changes). Target (issue 4): 100,000 firms under 60 s.
/// Needs BENCH_PG, an admin connection string (infra/bench starts a throwaway server and sets it).
/// </summary>
internal static class ImportBenchmark
{
    public static async Task RunAsync(int firms)
    {
        var admin = Environment.GetEnvironmentVariable("BENCH_PG");
        if (string.IsNullOrEmpty(admin)) { Console.Error.WriteLine("import benchmark: set BENCH_PG (./infra/bench does)"); return; }
        var database = "bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await new NpgsqlCommand($"create database {database}", c).ExecuteNonQueryAsync(); }
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        var file = Path.Combine(Path.GetTempPath(), $"{database}.json");
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(cs);
            new Migrator(dataSource, new MigrationCatalog(Marketplace.Web.Infrastructure.Database.AllMigrations), NullLogger<Migrator>.Instance).Run();

            var rows = DemoData.Enterprises(firms).Select(f => new
            {
                name = f.Name, creditCode = f.CreditCode, industry = f.Industry, region = f.Region, qualifications = f.Qualifications,
                registeredCapitalWan = f.RegisteredCapitalWan, employees = f.Employees, technologies = f.Technologies,
                description = f.Description, cases = f.Cases.Select(c => $"{c.Title}（{c.Client}，{c.Year}）").ToArray(),
            });
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(rows));
            Console.WriteLine($"file: {new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB, {firms:N0} firms");

            var import = new EnterpriseImport(dataSource, TimeProvider.System, new Marketplace.BuildingBlocks.Outbox.OutboxSignal());
            for (var round = 1; round <= 2; round++)
            {
                var total = Stopwatch.StartNew();
                IReadOnlyList<RawRow> raw;
                await using (var stream = File.OpenRead(file)) raw = ImportReaders.Read(file, stream);
                var read = total.Elapsed;
                var report = await import.RunAsync(raw, dryRun: false, null, default);
                Console.WriteLine($"import round {round}: {total.Elapsed.TotalSeconds:0.00} s (read {read.TotalSeconds:0.00} s) — {report.Summary}");
            }
            Console.WriteLine($"peak working set {Stats.PeakWorkingSetMb()} MB");
        }
        finally
        {
            File.Delete(file);
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await new NpgsqlCommand($"drop database if exists {database} with (force)", c).ExecuteNonQueryAsync();
        }
    }
}
