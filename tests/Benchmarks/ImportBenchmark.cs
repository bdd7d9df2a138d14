using Marketplace.BuildingBlocks.Migrations;
using System.Diagnostics;
using System.Text.Json;
using Marketplace.Enterprises.Import;
using Marketplace.Web.Demo;
using Microsoft.Extensions.Logging.Abstractions;
using MiniExcelLibs;
using Npgsql;

namespace Marketplace.Benchmarks;

/// <summary>
/// Import of N synthetic firms (the demo generator's) from a JSON file in the shared/data format, and from an .xlsx of
/// the same firms, each into a fresh database: read, check every row, COPY and upsert; then the same file again
/// (nothing changes). Targets: issue 4, 100,000 firms under 60 s; issue 15, 1,000,000 in ≤ 5 minutes with flat memory.
/// The files are written as the firms are generated (never all in memory), and each import runs in a process of its
/// own so that its peak working set is the import's alone. XLSX_FIRMS sets the sheet's size (default N).
/// Needs BENCH_PG, an admin connection string (infra/bench starts a throwaway server and sets it).
/// </summary>
internal static class ImportBenchmark
{
    public static async Task RunAsync(int firms)
    {
        var admin = Environment.GetEnvironmentVariable("BENCH_PG");
        if (string.IsNullOrEmpty(admin)) { Console.Error.WriteLine("import benchmark: set BENCH_PG (./infra/bench does)"); return; }
        var sheetFirms = int.TryParse(Environment.GetEnvironmentVariable("XLSX_FIRMS"), out var x) ? x : firms;
        var stem = Path.Combine(Path.GetTempPath(), "bench_import_" + Guid.NewGuid().ToString("N")[..8]);
        var (json, xlsx) = (stem + ".json", stem + ".xlsx");
        try
        {
            var written = Stopwatch.StartNew();
            await WriteJsonAsync(json, firms);
            Console.WriteLine($"file: {Megabytes(json)} MB JSON, {firms:N0} firms, written in {written.Elapsed.TotalSeconds:0.0} s");
            written.Restart();
            await MiniExcel.SaveAsAsync(xlsx, DemoData.GenerateEnterprises(sheetFirms).Select(SheetRow));
            Console.WriteLine($"file: {Megabytes(xlsx)} MB .xlsx, {sheetFirms:N0} firms, written in {written.Elapsed.TotalSeconds:0.0} s");
            Console.WriteLine($"generator peak working set {Stats.PeakWorkingSetMb()} MB (this process; each import below runs in its own)");

            foreach (var file in new[] { json, xlsx })
            {
                var database = "bench_" + Guid.NewGuid().ToString("N")[..8];
                await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await new NpgsqlCommand($"create database {database}", c).ExecuteNonQueryAsync(); }
                var cs = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
                try
                {
                    await using (var dataSource = NpgsqlDataSource.Create(cs))
                        new Migrator(dataSource, new MigrationCatalog(Marketplace.Web.Infrastructure.Database.AllMigrations), NullLogger<Migrator>.Instance).Run();
                    NpgsqlConnection.ClearAllPools();
                    using var child = Process.Start(Environment.ProcessPath!, [typeof(ImportBenchmark).Assembly.Location, "import-file", cs, file]);
                    await child.WaitForExitAsync();
                    if (child.ExitCode != 0) Console.Error.WriteLine($"import of {file} failed with exit code {child.ExitCode}");
                }
                finally
                {
                    await using var c = new NpgsqlConnection(admin);
                    await c.OpenAsync();
                    await new NpgsqlCommand($"drop database if exists {database} with (force)", c).ExecuteNonQueryAsync();
                }
            }
        }
        finally
        {
            File.Delete(json);
            File.Delete(xlsx);
        }
    }

    /// <summary>The measured part, in a process of its own: the file imported twice into the given (migrated) database.</summary>
    public static async Task<int> ImportFileAsync(string connectionString, string file)
    {
        var kind = Path.GetExtension(file).TrimStart('.');
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var import = new EnterpriseImport(dataSource, TimeProvider.System, new Marketplace.BuildingBlocks.Outbox.OutboxSignal());
        for (var round = 1; round <= 2; round++)
        {
            var total = Stopwatch.StartNew();
            await using var stream = File.OpenRead(file);
            var report = await import.RunAsync(ImportReaders.ReadAsync(file, stream), dryRun: false, null, default);
            Console.WriteLine($"import {kind} round {round}: {total.Elapsed.TotalSeconds:0.00} s, {report.Rows / total.Elapsed.TotalSeconds:N0} rows/s — {report.Summary}");
        }
        Console.WriteLine($"import {kind}: peak working set {Stats.PeakWorkingSetMb()} MB");
        return 0;
    }

    /// <summary>The firms as a JSON array in the shared/data format, written one by one.</summary>
    private static async Task WriteJsonAsync(string path, int firms)
    {
        await using var file = File.Create(path);
        await using var writer = new Utf8JsonWriter(file);
        writer.WriteStartArray();
        foreach (var f in DemoData.GenerateEnterprises(firms))
        {
            JsonSerializer.Serialize(writer, new
            {
                name = f.Name, creditCode = f.CreditCode, industry = f.Industry, region = f.Region, qualifications = f.Qualifications,
                registeredCapitalWan = f.RegisteredCapitalWan, employees = f.Employees, technologies = f.Technologies,
                description = f.Description, cases = f.Cases.Select(c => $"{c.Title}（{c.Client}，{c.Year}）").ToArray(),
            });
            if (writer.BytesPending > 64 * 1024) await writer.FlushAsync();
        }
        writer.WriteEndArray();
        await writer.FlushAsync();
    }

    /// <summary>A row under the Chinese headers an officer's sheet has.</summary>
    private static Dictionary<string, object> SheetRow(Marketplace.Enterprises.Profiles.EnterpriseProfile f) => new()
    {
        ["企业名称"] = f.Name, ["统一社会信用代码"] = f.CreditCode, ["行业"] = f.Industry, ["注册地"] = f.Region,
        ["资质"] = string.Join("、", f.Qualifications), ["注册资本（万元）"] = f.RegisteredCapitalWan, ["员工人数"] = f.Employees,
        ["关键技术"] = string.Join("、", f.Technologies), ["简介"] = f.Description,
        ["案例"] = string.Join("；", f.Cases.Select(c => $"{c.Title}（{c.Client}，{c.Year}）")),
    };

    private static string Megabytes(string path) => (new FileInfo(path).Length / 1024.0 / 1024.0).ToString("0.0");
}
