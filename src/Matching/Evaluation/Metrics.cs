namespace Marketplace.Matching.Evaluation;

public sealed record ScenarioScore(string ScenarioId, double Ndcg10, double Recall20, double Mrr, int Ineligible20);

public sealed record EvaluationScore(IReadOnlyList<ScenarioScore> Rows, double Ndcg10, double Recall20, double Mrr, int Ineligible20)
{
    public string Summary => $"ndcg@10={Ndcg10:0.0000} recall@20={Recall20:0.0000} mrr={Mrr:0.0000} ineligible@20={Ineligible20}";
}

/// <summary>
/// The metrics of <c>shared/data/score.py</c>, computed the same way so the two agree: ndcg@10 with gain 2^g−1 and
/// log2 discount against the ideal of all judged grades; recall@20 and mrr over grade ≥ 2; ineligible firms in the
/// top 20, summed. Scenarios missing from the run score 0.
/// </summary>
public static class Metrics
{
    public static EvaluationScore Score(IReadOnlyDictionary<string, EvalJudgements> judgements, IReadOnlyDictionary<string, IReadOnlyList<string>> run)
    {
        var rows = new List<ScenarioScore>();
        foreach (var (scenarioId, j) in judgements)
        {
            var ranked = run.TryGetValue(scenarioId, out var r) ? r : [];
            var dcg = ranked.Take(10).Select((e, i) => (Math.Pow(2, j.Relevance.GetValueOrDefault(e)) - 1) / Math.Log2(i + 2)).Sum();
            var idcg = j.Relevance.Values.OrderByDescending(g => g).Take(10).Select((g, i) => (Math.Pow(2, g) - 1) / Math.Log2(i + 2)).Sum();
            var good = j.Relevance.Where(kv => kv.Value >= 2).Select(kv => kv.Key).ToHashSet();
            var top20 = ranked.Take(20).ToHashSet();
            var recall = good.Count == 0 ? 0 : (double)good.Count(top20.Contains) / good.Count;
            var firstGood = ranked.Select((e, i) => (e, i)).FirstOrDefault(x => good.Contains(x.e), (e: "", i: -1)).i;
            var mrr = firstGood < 0 ? 0 : 1.0 / (firstGood + 1);
            var ineligible = (j.Ineligible ?? []).Select(x => x.Id).Count(top20.Contains);
            rows.Add(new ScenarioScore(scenarioId, idcg > 0 ? dcg / idcg : 0, recall, mrr, ineligible));
        }
        var n = Math.Max(1, rows.Count);
        return new EvaluationScore(rows, rows.Sum(x => x.Ndcg10) / n, rows.Sum(x => x.Recall20) / n, rows.Sum(x => x.Mrr) / n, rows.Sum(x => x.Ineligible20));
    }
}
