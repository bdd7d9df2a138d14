using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.Matching.Evaluation;

/// <summary>Builds an in-memory index of a labelled set, recommends firms for every scenario and scores the run.</summary>
public static class Evaluator
{
    /// <param name="baseline">Plain BM25 (words + bigrams) with the eligibility filter, without re-ranking.</param>
    public static async Task<(EvaluationScore Score, Dictionary<string, IReadOnlyList<string>> Run)> RunAsync(
        EvaluationSet set, MatchingOptions options, bool baseline, int depth, CancellationToken ct)
    {
        var thesaurus = Thesaurus.Load(options.ThesaurusPath);
        // The baseline is plain BM25 over words and bigrams: no synonyms, tags, specificity or tuned length norm.
        var tuning = baseline
            ? new RetrievalTuning { SynonymWeight = 0, TechnologyTagWeight = 0, ScenarioSpecificity = 0, CasesWeight = 0, Bm25B = 0.75 }
            : options.Retrieval;
        using var engine = await IndexAsync(set, thesaurus, tuning, ct);
        return await RunAsync(set, engine, thesaurus, options, baseline, depth, ct);
    }

    /// <summary>An in-memory index of the set's scenarios and firms, built with the given retrieval settings.</summary>
    public static async Task<LuceneSearchEngine> IndexAsync(EvaluationSet set, Thesaurus thesaurus, RetrievalTuning tuning, CancellationToken ct)
    {
        var engine = new LuceneSearchEngine(null, thesaurus, TimeProvider.System, tuning);
        await engine.ReplaceAllAsync(set.Scenarios.Select(EvaluationSet.ToDocument).ToList(), set.Enterprises.Select(EvaluationSet.ToDocument).ToList(), ct);
        return engine;
    }

    /// <summary>Runs the set against an index built already (by <see cref="IndexAsync"/> with <paramref name="options"/>' retrieval settings).</summary>
    public static async Task<(EvaluationScore Score, Dictionary<string, IReadOnlyList<string>> Run)> RunAsync(
        EvaluationSet set, LuceneSearchEngine engine, Thesaurus thesaurus, MatchingOptions options, bool baseline, int depth, CancellationToken ct)
    {
        var idsBack = set.Enterprises.ToDictionary(e => EvaluationSet.IdFor(e.Id), e => e.Id);
        var recommender = new Recommender(engine, thesaurus, Options.Create(options));

        var run = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var scenario in set.Scenarios)
        {
            var doc = EvaluationSet.ToDocument(scenario);
            IEnumerable<Guid> ranked;
            if (baseline)
            {
                var rules = new EligibilityRules(doc.RequiredQualifications, doc.MinRegisteredCapitalWan, doc.AllowedRegions);
                var text = string.Join('\n', doc.Summary, doc.Description, doc.Domain, string.Join(' ', doc.Technologies));
                var hits = await engine.RetrieveEnterprisesAsync(new EnterpriseRetrievalQuery(doc.Title, text, [], rules, depth), ct);
                ranked = hits.Select(h => h.Enterprise.Id);
            }
            else
            {
                ranked = (await recommender.ForScenarioAsync(doc, depth, ct)).Select(r => r.Enterprise.Id);
            }
            run[scenario.Id] = ranked.Select(id => idsBack[id]).ToList();
        }
        return (Metrics.Score(set.Judgements, run), run);
    }
}
