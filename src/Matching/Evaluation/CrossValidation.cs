using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;

namespace Marketplace.Matching.Evaluation;

/// <summary>
/// One tuned setting of the matcher and the values cross-validation may choose from. Every learned or hand-set weight
/// and threshold is a knob: a figure measured with values picked on the very scenarios it is reported on says nothing
/// about scenarios published next month.
/// </summary>
public sealed record TuningKnob(string Name, IReadOnlyList<double> Values, Func<MatchingOptions, double> Get, Action<MatchingOptions, double> Set);

/// <summary>A scenario of one of the labelled sets.</summary>
public sealed record ScenarioKey(string Set, string ScenarioId);

/// <param name="InSample">Each set scored with the given options (the shipped defaults unless configured otherwise).</param>
/// <param name="CrossValidated">Each set scored scenario by scenario with the setting chosen without that scenario.</param>
/// <param name="Choices">Per knob, how often each value was chosen across the folds (a stable knob has one value).</param>
public sealed record CrossValidationReport(
    IReadOnlyDictionary<string, EvaluationScore> InSample,
    IReadOnlyDictionary<string, EvaluationScore> CrossValidated,
    IReadOnlyDictionary<string, IReadOnlyDictionary<double, int>> Choices,
    int ConfigurationsEvaluated);

/// <summary>
/// Leave-one-scenario-out cross-validation over several labelled sets together. For every held-out scenario the knobs
/// are tuned by coordinate ascent (from the given options, each knob in turn over its values) on all the
/// other scenarios of every set, maximising the mean of the sets' mean ndcg@10; the held-out scenario is then scored
/// with that setting. Each configuration is run once on every scenario and cached, so the folds cost little more than
/// the distinct configurations they visit.
/// </summary>
public static class CrossValidation
{
    /// <summary>The matcher's tuned settings and the values tried for each (the shipped default among them).</summary>
    public static IReadOnlyList<TuningKnob> Knobs { get; } =
    [
        new("Retrieval:Bm25B", [0.3, 0.5, 0.75], o => o.Retrieval.Bm25B, (o, v) => o.Retrieval.Bm25B = v),
        new("Retrieval:SynonymWeight", [0, 0.25, 0.5, 1], o => o.Retrieval.SynonymWeight, (o, v) => o.Retrieval.SynonymWeight = v),
        new("Retrieval:ScenarioSpecificity", [0, 0.5, 1, 2], o => o.Retrieval.ScenarioSpecificity, (o, v) => o.Retrieval.ScenarioSpecificity = v),
        new("Retrieval:TechnologyTagWeight", [0, 0.5, 1, 2], o => o.Retrieval.TechnologyTagWeight, (o, v) => o.Retrieval.TechnologyTagWeight = v),
        new("Retrieval:AskEmphasis", [0, 1, 2], o => o.Retrieval.AskEmphasis, (o, v) => o.Retrieval.AskEmphasis = (int)v),
        new("Retrieval:CasesWeight", [0, 0.5, 1, 1.5, 2], o => o.Retrieval.CasesWeight, (o, v) => o.Retrieval.CasesWeight = v),
        new("Retrieval:CaseMinimumMatch", [2, 3, 4, 5], o => o.Retrieval.CaseMinimumMatch, (o, v) => o.Retrieval.CaseMinimumMatch = (int)v),
        new("Weights:Fit", [0, 0.25, 0.5, 0.75], o => o.Weights.Fit, (o, v) => o.Weights.Fit = v),
        new("Weights:Role", [0, 0.25, 0.5, 0.75], o => o.Weights.Role, (o, v) => o.Weights.Role = v),
        new("Weights:Technology", [0, 0.03, 0.1], o => o.Weights.Technology, (o, v) => o.Weights.Technology = v),
        new("Weights:Domain", [0, 0.02, 0.05], o => o.Weights.Domain, (o, v) => o.Weights.Domain = v),
        new("Weights:Evidence", [0, 0.1, 0.2], o => o.Weights.Evidence, (o, v) => o.Weights.Evidence = v),
    ];

    public static TuningKnob? Find(string name) =>
        Knobs.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));

    public static MatchingOptions Clone(MatchingOptions o) =>
        JsonSerializer.Deserialize<MatchingOptions>(JsonSerializer.Serialize(o))!;

    /// <param name="knobs">The knobs to tune; those left out keep the value <paramref name="options"/> gives them.</param>
    public static async Task<CrossValidationReport> RunAsync(IReadOnlyDictionary<string, EvaluationSet> sets, MatchingOptions options,
        IReadOnlyList<TuningKnob> knobs, CancellationToken ct, int passes = 1)
    {
        var cache = new ConcurrentDictionary<string, Task<Dictionary<ScenarioKey, ScenarioScore>>>();
        // Re-ranking weights leave the index as it is: one index per set and retrieval setting serves them all.
        var thesaurus = Thesaurus.Load(options.ThesaurusPath);
        var engines = new ConcurrentDictionary<string, Lazy<Task<LuceneSearchEngine>>>();
        string Key(MatchingOptions o) => string.Join(';', knobs.Select(k => k.Get(o).ToString(CultureInfo.InvariantCulture)));
        Task<Dictionary<ScenarioKey, ScenarioScore>> Rows(MatchingOptions o) => cache.GetOrAdd(Key(o), _ => RunAllAsync(o));

        async Task<Dictionary<ScenarioKey, ScenarioScore>> RunAllAsync(MatchingOptions o)
        {
            var rows = new Dictionary<ScenarioKey, ScenarioScore>();
            foreach (var (name, set) in sets)
            {
                var engine = await engines.GetOrAdd(name + "|" + JsonSerializer.Serialize(o.Retrieval),
                    _ => new Lazy<Task<LuceneSearchEngine>>(() => Evaluator.IndexAsync(set, thesaurus, o.Retrieval, ct))).Value;
                var (score, _) = await Evaluator.RunAsync(set, engine, thesaurus, o, baseline: false, depth: 100, ct);
                foreach (var r in score.Rows) rows[new ScenarioKey(name, r.ScenarioId)] = r;
            }
            return rows;
        }

        var all = (await Rows(options)).Keys.ToList();
        var inSample = await Rows(options);

        // The folds' searches mostly visit the same configurations: run each configuration's first visit for all folds
        // before going on, so the cache is filled by a handful of parallel runs instead of one fold at a time.
        var chosen = new Dictionary<ScenarioKey, MatchingOptions>();
        var current = all.ToDictionary(s => s, _ => Clone(options));
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var knob in knobs)
            {
                var trials = knob.Values.Select(v =>
                {
                    return (Value: v, Make: (Func<MatchingOptions, MatchingOptions>)(from =>
                    {
                        var copy = Clone(from);
                        knob.Set(copy, v);
                        return copy;
                    }));
                }).ToList();
                // Distinct configurations this step needs across folds, run in parallel.
                var needed = current.Values.SelectMany(c => trials.Select(t => t.Make(c))).GroupBy(Key).Select(g => g.First()).ToList();
                await Parallel.ForEachAsync(needed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = ct },
                    async (o, _) => await Rows(o));
                foreach (var heldOut in all)
                {
                    var from = current[heldOut];
                    var best = from;
                    var bestScore = Objective(await Rows(from), heldOut);
                    foreach (var (_, make) in trials)
                    {
                        var candidate = make(from);
                        var score = Objective(await Rows(candidate), heldOut);
                        // Strictly better only: a tie keeps the value in hand, so the default wins unless beaten.
                        if (score > bestScore + 1e-9) (best, bestScore) = (candidate, score);
                    }
                    current[heldOut] = best;
                }
            }
        }
        foreach (var s in all) chosen[s] = current[s];

        var cv = new Dictionary<string, EvaluationScore>();
        var ins = new Dictionary<string, EvaluationScore>();
        foreach (var set in sets.Keys)
        {
            var keys = all.Where(k => k.Set == set).ToList();
            var cvRows = new List<ScenarioScore>();
            foreach (var k in keys) cvRows.Add((await Rows(chosen[k]))[k]);
            cv[set] = Aggregate(cvRows);
            ins[set] = Aggregate(keys.Select(k => inSample[k]).ToList());
        }
        var choices = knobs.ToDictionary(k => k.Name, k => (IReadOnlyDictionary<double, int>)chosen.Values
            .GroupBy(k.Get).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()));
        foreach (var e in engines.Values) (await e.Value).Dispose();
        return new CrossValidationReport(ins, cv, choices, cache.Count);
    }

    /// <summary>Mean over the sets of their mean ndcg@10, leaving one scenario out: each set counts the same, however many scenarios it holds.</summary>
    private static double Objective(Dictionary<ScenarioKey, ScenarioScore> rows, ScenarioKey heldOut) =>
        rows.Where(r => r.Key != heldOut).GroupBy(r => r.Key.Set).Average(g => g.Average(r => r.Value.Ndcg10));

    internal static EvaluationScore Aggregate(IReadOnlyList<ScenarioScore> rows)
    {
        var n = Math.Max(1, rows.Count);
        return new EvaluationScore(rows, rows.Sum(x => x.Ndcg10) / n, rows.Sum(x => x.Recall20) / n, rows.Sum(x => x.Mrr) / n, rows.Sum(x => x.Ineligible20));
    }
}
