using Marketplace.IntegrationTests.Support;
using Marketplace.Matching;
using Marketplace.Matching.Evaluation;

namespace Marketplace.IntegrationTests;

/// <summary>
/// The matcher measured on the labelled sets beside the repository (../shared/data). Reads files, so it lives with
/// the integration tests; skipped with the reason where the sets are absent.
/// </summary>
public sealed class MatchingQualityTests
{
    private static string? SetFolder(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        var folder = dir is null ? null : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", name));
        return folder is not null && File.Exists(Path.Combine(folder, "qrels.json")) ? folder : null;
    }

    /// <summary>python3 for the reference scorer, if this machine has one.</summary>
    private static readonly string? Python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "python3")).FirstOrDefault(File.Exists);

    /// <summary>
    /// Skips locally, with the reason, when the data set (or, for the scorer-agreement tests, python3) is missing; under
    /// CI=true it never skips, so a missing file or Python fails the test instead of passing it.
    /// </summary>
    public sealed class SharedDataFactAttribute : FactAttribute
    {
        public SharedDataFactAttribute(string set, bool needsPython = false)
        {
            if (TestServers.IsCi) return;
            if (SetFolder(set) is null) Skip = $"../shared/data/{set} is not beside the repository; the evaluation set is needed.";
            else if (needsPython && Python is null) Skip = "No python3 on this machine: the scorer-agreement check needs it.";
        }
    }

    [SharedDataFact("dev")]
    public async Task Eval_OnDev_MeetsTheTargetAndNeverListsAnIneligibleFirm()
    {
        var (score, _) = await Evaluator.RunAsync(EvaluationSet.Load(SetFolder("dev")!), new MatchingOptions(), baseline: false, depth: 100, default);
        Assert.Equal(0, score.Ineligible20);
        Assert.True(score.Ndcg10 >= 0.97, score.Summary);
        Assert.Equal(1.0, score.Recall20, 6);
    }

    [SharedDataFact("dev-hard")]
    public async Task Eval_OnDevHard_MeetsTheTargetAndBeatsTheBaseline()
    {
        var set = EvaluationSet.Load(SetFolder("dev-hard")!);
        var (score, _) = await Evaluator.RunAsync(set, new MatchingOptions(), baseline: false, depth: 100, default);
        var (baseline, _) = await Evaluator.RunAsync(set, new MatchingOptions(), baseline: true, depth: 100, default);
        Assert.Equal(0, score.Ineligible20);
        Assert.True(score.Recall20 >= 0.97, score.Summary);
        Assert.True(score.Ndcg10 >= 0.88, score.Summary);
        Assert.True(score.Ndcg10 > baseline.Ndcg10, $"matcher {score.Summary} vs baseline {baseline.Summary}");
    }

    [SharedDataFact("dev", needsPython: true)]
    public Task Metrics_AgreeWithTheReferenceScorer_OnDev() => MetricsAgreeAsync("dev");

    [SharedDataFact("dev-hard", needsPython: true)]
    public Task Metrics_AgreeWithTheReferenceScorer_OnDevHard() => MetricsAgreeAsync("dev-hard");

    private static async Task MetricsAgreeAsync(string set)
    {
        var folder = SetFolder(set)!;
        var scorer = Path.Combine(folder, "..", "score.py");
        var (score, run) = await Evaluator.RunAsync(EvaluationSet.Load(folder), new MatchingOptions(), baseline: false, depth: 100, default);
        var runFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(runFile, System.Text.Json.JsonSerializer.Serialize(run));
        var python = Python ?? throw new InvalidOperationException("No python3 found: the scorer-agreement check cannot run (CI=true needs it).");
        var psi = new System.Diagnostics.ProcessStartInfo(python, [scorer, folder, runFile]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(score.Summary, output.Trim().Split('\n').Last());
    }
}
