using Marketplace.BuildingBlocks.Migrations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Enterprises.Import;
using Marketplace.Matching.Evaluation;
using Marketplace.Scenarios.Listings;
using Spectre.Console;

namespace Marketplace.Web.Infrastructure;

/// <summary><c>import --file F [--dry-run] [--kind enterprises|scenarios]</c>: the command-line side of bulk import.</summary>
public static class ImportCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        string? file = null;
        var dryRun = false;
        var kind = "enterprises";
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--file" when i + 1 < args.Length: file = args[++i]; break;
                case "--kind" when i + 1 < args.Length: kind = args[++i]; break;
                case "--dry-run": dryRun = true; break;
                default:
                    Console.Error.WriteLine($"import: unknown argument '{args[i]}'\nusage: import --file F [--dry-run] [--kind enterprises|scenarios]");
                    return 2;
            }
        }
        if (file is null || !File.Exists(file))
        {
            Console.Error.WriteLine($"import: file not found: {file}\nusage: import --file F [--dry-run] [--kind enterprises|scenarios]");
            return 2;
        }
        services.GetRequiredService<Migrator>().Run();
        return kind switch
        {
            "enterprises" => await EnterprisesAsync(services, file, dryRun, ct),
            "scenarios" => await ScenariosAsync(services, file, dryRun, ct),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("import: --kind must be enterprises or scenarios");
        return 2;
    }

    private static async Task<int> EnterprisesAsync(IServiceProvider services, string file, bool dryRun, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var import = services.GetRequiredService<EnterpriseImport>();
        ImportReport report;
        try
        {
            // Read as it is imported: a file of a million firms is never in memory at once.
            await using var stream = File.OpenRead(file);
            var rows = ImportReaders.ReadAsync(file, stream, ct);
            report = await TerminalProgress.RunAsync("import", progress => import.RunAsync(rows, dryRun, new FileProgress(progress, stream), ct));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            Console.Error.WriteLine($"import: cannot read {file}: {e.Message}");
            return 2;
        }
        WriteIssues("行", report.Issues, report.IssueCount);
        // The index follows through the outbox (a running site rebuilds it; otherwise the next start does).
        Console.WriteLine($"{report.Summary}（{started.Elapsed.TotalSeconds:0.0} s）");
        return report.IssueCount == 0 ? 0 : 1;
    }

    /// <summary>Rows read so far against an estimate of all rows from how far into the file the reader is.</summary>
    private sealed class FileProgress(IProgress<(int Done, int Total)> bar, FileStream file) : IProgress<int>
    {
        public void Report(int rows)
        {
            var read = Math.Max(file.Position, 1);
            bar.Report((rows, read >= file.Length ? rows : (int)Math.Min(int.MaxValue, rows * file.Length / read)));
        }
    }

    /// <summary>Scenario lists in the evaluation-set format: imported as published listings, idempotent by their id.</summary>
    private static async Task<int> ScenariosAsync(IServiceProvider services, string file, bool dryRun, CancellationToken ct)
    {
        List<EvalScenario> items;
        try
        {
            items = JsonSerializer.Deserialize<List<EvalScenario>>(await File.ReadAllTextAsync(file, ct), new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
        }
        catch (JsonException e)
        {
            Console.Error.WriteLine($"import: {file} is not a scenario list: {e.Message}");
            return 2;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var problems = new List<ImportIssue>();
        var scenarios = new List<Scenario>();
        foreach (var (s, i) in items.Select((s, i) => (s, i + 1)))
        {
            if (string.IsNullOrWhiteSpace(s.Id) || s.Title?.Length is not (>= 4 and <= 120) || !ScenarioCategory.All.Contains(s.Category))
            {
                problems.Add(new ImportIssue(i, "id/title/category", "缺少编号、标题不在 4–120 字，或类别不是 smart-city/cultural-tourism/livable-city"));
                continue;
            }
            scenarios.Add(new Scenario(new Guid(MD5.HashData(Encoding.UTF8.GetBytes("import:" + s.Id))), s.Id, s.Title, s.Summary, s.Description,
                s.Category, s.Domain, s.Location ?? "", s.Technologies, "导入", "", 0, 0, ScenarioMode.Single, 1, now, now.AddDays(60),
                s.Requirements?.Qualifications ?? [], s.Requirements?.MinRegisteredCapitalWan ?? 0, s.Requirements?.Regions ?? [],
                ScenarioStatus.Published, now));
        }
        WriteIssues("项", problems, problems.Count);
        if (dryRun)
        {
            Console.WriteLine($"试导入：{items.Count} 项，有效 {scenarios.Count} 项，问题 {problems.Count} 处");
            return problems.Count == 0 ? 0 : 1;
        }
        var inserted = await services.GetRequiredService<ImportScenarios>().HandleAsync(scenarios, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"导入完成：{items.Count} 项，新增 {inserted}，已存在 {scenarios.Count - inserted}，问题 {problems.Count} 处"));
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>The import report's problems as a table (the first 200), then a plain count of the rest.</summary>
    private static void WriteIssues(string unit, IReadOnlyList<ImportIssue> issues, int count)
    {
        if (count == 0) return;
        var table = new Table().AddColumn(new TableColumn(unit).RightAligned()).AddColumn("字段").AddColumn("问题");
        foreach (var issue in issues.Take(200))
            table.AddRow(new Text(issue.Row.ToString(CultureInfo.InvariantCulture)), new Text(issue.Field), new Text(issue.Reason));
        AnsiConsole.Write(table);
        if (count > 200) Console.WriteLine($"  … 另有 {count - 200} 处问题");
    }
}
