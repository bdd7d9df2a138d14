using System.Globalization;
using System.Text.Json;
using Marketplace.Matching;
using Marketplace.Matching.Evaluation;
using Spectre.Console;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// <c>eval --data DIR [--run-out FILE] [--baseline] [--depth N]</c>: measures the matcher on a labelled set without
/// PostgreSQL. Prints a row per scenario (a table on a terminal) and a final line in the format of shared/data/score.py,
/// which can score the written run independently.
/// <c>eval --cv --data DIR [--data DIR…] [--pin Knob=Value…]</c>: the in-sample figure of each set beside its
/// leave-one-scenario-out cross-validated figure, every tuned knob re-chosen without the scenario scored.
/// </summary>
public static class EvalCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "eval";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration)
    {
        string? data = null, runOut = null;
        var folders = new List<string>();
        var pins = new List<(TuningKnob Knob, double Value)>();
        var cv = false;
        var baseline = false;
        var depth = 100;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length: data = args[++i]; folders.Add(data); break;
                case "--cv": cv = true; break;
                case "--pin" when i + 1 < args.Length && ParsePin(args[i + 1]) is { } pin: pins.Add(pin); i++; break;
                case "--run-out" when i + 1 < args.Length: runOut = args[++i]; break;
                case "--depth" when i + 1 < args.Length && int.TryParse(args[i + 1], out var d) && d > 0: depth = d; i++; break;
                case "--baseline": baseline = true; break;
                default:
                    Console.Error.WriteLine($"eval: unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        if (cv) return folders.Count == 0 ? UsageError() : await CrossValidateAsync(folders, pins, configuration);
        if (data is null || folders.Count > 1 || pins.Count > 0) return UsageError();

        EvaluationSet set;
        try { set = EvaluationSet.Load(data); }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"eval: cannot read the set in {data}: {e.Message}");
            return 2;
        }

        var options = new MatchingOptions();
        configuration.GetSection(MatchingOptions.Section).Bind(options);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (score, run) = await Evaluator.RunAsync(set, options, baseline, depth, CancellationToken.None);
        WriteRows(score.Rows);
        Console.Error.WriteLine($"({(baseline ? "baseline BM25" : "matcher")}: {set.Scenarios.Count} scenarios, {set.Enterprises.Count} firms, {started.ElapsedMilliseconds} ms)");
        if (runOut is not null)
            await File.WriteAllTextAsync(runOut, JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = false }));
        // The summary stays one plain line in score.py's format on every output: tests and scripts compare it.
        Console.WriteLine(score.Summary);
        return 0;
    }

    private const string Usage = "usage: eval --data DIR [--run-out FILE] [--baseline] [--depth N]\n       eval --cv --data DIR [--data DIR…] [--pin Knob=Value…]";

    private static int UsageError()
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }

    /// <summary>"Weights:Fit=0.5": a knob held at a value instead of tuned.</summary>
    private static (TuningKnob, double)? ParsePin(string text)
    {
        var parts = text.Split('=', 2);
        if (parts.Length != 2 || CrossValidation.Find(parts[0]) is not { } knob
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return null;
        return (knob, value);
    }

    private static async Task<int> CrossValidateAsync(List<string> folders, List<(TuningKnob Knob, double Value)> pins, IConfiguration configuration)
    {
        var sets = new Dictionary<string, EvaluationSet>();
        foreach (var folder in folders)
        {
            try { sets[Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))] = EvaluationSet.Load(folder); }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"eval: cannot read the set in {folder}: {e.Message}");
                return 2;
            }
        }
        var options = new MatchingOptions();
        configuration.GetSection(MatchingOptions.Section).Bind(options);
        foreach (var (knob, value) in pins) knob.Set(options, value);
        var knobs = CrossValidation.Knobs.Where(k => pins.All(p => p.Knob != k)).ToList();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = await CrossValidation.RunAsync(sets, options, knobs, CancellationToken.None);
        Console.Error.WriteLine($"(leave-one-scenario-out over {report.InSample.Values.Sum(s => s.Rows.Count)} scenarios, {knobs.Count} knobs tuned, "
                                + $"{report.ConfigurationsEvaluated} configurations, {started.Elapsed.TotalSeconds:0} s)");
        foreach (var (knob, counts) in report.Choices)
            Console.WriteLine($"chosen {knob}: " + string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}×{c.Value}"))));
        foreach (var set in sets.Keys)
        {
            Console.WriteLine($"{set} in-sample {report.InSample[set].Summary}");
            Console.WriteLine($"{set} cross-validated {report.CrossValidated[set].Summary}");
        }
        return 0;
    }

    /// <summary>
    /// A table on a terminal; into a file or pipe, score.py's own tab-separated rows, so the two outputs can be diffed.
    /// </summary>
    private static void WriteRows(IReadOnlyList<ScenarioScore> rows)
    {
        if (Console.IsOutputRedirected)
        {
            foreach (var r in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.ScenarioId}\tndcg@10={r.Ndcg10:0.000}\trecall@20={r.Recall20:0.000}\tmrr={r.Mrr:0.000}\tineligible@20={r.Ineligible20}"));
            return;
        }
        var table = new Table().AddColumn("scenario");
        foreach (var metric in new[] { "ndcg@10", "recall@20", "mrr", "ineligible@20" }) table.AddColumn(new TableColumn(metric).RightAligned());
        foreach (var r in rows)
            table.AddRow(new Text(r.ScenarioId), Figure(r.Ndcg10), Figure(r.Recall20), Figure(r.Mrr),
                new Text(r.Ineligible20.ToString(CultureInfo.InvariantCulture), r.Ineligible20 > 0 ? new Style(Color.Red) : Style.Plain));
        AnsiConsole.Write(table);
    }

    private static Text Figure(double value) => new(value.ToString("0.000", CultureInfo.InvariantCulture));
}
