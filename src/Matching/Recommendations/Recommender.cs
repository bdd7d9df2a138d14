using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.Matching.Recommendations;


public sealed record Recommendation(EnterpriseDocument Enterprise, double Score, IReadOnlyList<Reason> Reasons);

public sealed record ScenarioRecommendation(ScenarioDocument Scenario, double Score, IReadOnlyList<Reason> Reasons);

/// <summary>
/// Recommends firms for a scenario: hard eligibility filter, retrieval through the search engine, re-ranking on
/// explicit features with configured weights, exposure control, and reasons a person can check.
/// </summary>
public sealed class Recommender(ISearchEngine engine, Thesaurus thesaurus, IOptions<MatchingOptions> options, RoleModel? roleModel = null)
{
    private readonly RoleModel _roles = roleModel ?? RoleModel.Default;

    private static readonly string[] CapabilityQualifications = ["高新技术企业", "专精特新", "专精特新小巨人"];

    /// <param name="excludedFirms">Firms that marked this scenario "not relevant".</param>
    /// <param name="feedback">Learning from use (<see cref="Feedback.FeedbackPrior"/>): a bounded factor from each firm's record.</param>
    public async Task<IReadOnlyList<Recommendation>> ForScenarioAsync(ScenarioDocument s, int k, CancellationToken ct,
        IReadOnlySet<Guid>? excludedFirms = null, Feedback.FeedbackPrior? feedback = null)
    {
        var o = options.Value;
        var rules = EligibilityRules.For(s);
        // The wanted part of the description counts once more than the setting (Retrieval:AskEmphasis extra times).
        var (context, ask) = SplitAsk(s.Description);
        var text = string.Join('\n', new[] { s.Summary, context, ask }.Concat(Enumerable.Repeat(ask, o.Retrieval.AskEmphasis))
            .Append(s.Domain).Append(string.Join(' ', s.Technologies)));
        var candidates = await engine.RetrieveEnterprisesAsync(
            new EnterpriseRetrievalQuery(s.Title, text, s.Technologies, rules, Math.Max(o.CandidatePool, k),
                Core: string.Join('\n', s.Title, s.Summary, string.Join(' ', s.Technologies))), ct);
        // The engine filters already; checking again here makes "never recommend an ineligible firm" hold for any engine.
        candidates = candidates.Where(c => rules.Admits(c.Enterprise) && excludedFirms?.Contains(c.Enterprise.Id) != true).ToList();
        if (candidates.Count == 0) return [];

        var maxText = candidates.Max(c => c.TextScore);
        var evidence = o.Weights.Evidence > 0 ? CaseEvidence(s, candidates) : null;
        var demands = DeliveryFit.DemandsOf(s);
        var wanted = _roles.WantedBy(s);
        var scored = candidates
            .Select(c => Score(s, demands, c, maxText, o.Weights, evidence?.GetValueOrDefault(c.Enterprise.Id), wanted))
            // Learning from use: after the hard rules and the feature score, so it only reorders admitted firms.
            .Select(r => feedback?.Apply(r, s.Domain) ?? r)
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Enterprise.Id)
            .ToList();
        // The text snippet is the costly reason (it analyses the firm's text): only the shown firms get one.
        var scenarioTerms = ScenarioTerms(s);
        return ApplyExposureControl(scored, k, o)
            .Select(r => WithSnippet(r, BestSentence(r.Enterprise, scenarioTerms)))
            .ToList();
    }

    private static Recommendation WithSnippet(Recommendation r, (string Text, bool FromCase)? snippet)
    {
        if (snippet is not { } best) return r;
        var reasons = r.Reasons.ToList();
        var at = reasons.FindLastIndex(x => x.Kind is "technology" or "domain") + 1;
        // Delivered work is the stronger evidence, and it is labelled as such so an officer can check it.
        reasons.Insert(at, best.FromCase ? new Reason("case", ReasonTemplates.Case, [best.Text]) : new Reason("text", ReasonTemplates.Text, [best.Text]));
        return r with { Reasons = reasons };
    }

    /// <summary>
    /// A scenario's description usually tells the situation first and then what is wanted (希望…, 拟…, 需要…): the
    /// wanted part names the deliverable, the rest the setting that many unsuitable firms share.
    /// </summary>
    internal static (string Context, string Ask) SplitAsk(string description)
    {
        var at = new[] { "希望", "拟建设", "拟在", "需要建设", "计划建设", "亟需" }.Select(m => description.IndexOf(m, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        return at <= 0 ? (description, "") : (description[..at], description[at..]);
    }

    private static HashSet<string> ScenarioTerms(ScenarioDocument s) => CjkBigrams(s.Title + s.Summary);

    /// <summary>
    /// Open scenarios for a firm: those it may apply to (their hard rules admit it), minus those it marked not relevant,
    /// ranked with the same features and reasons as the other direction.
    /// </summary>
    public async Task<IReadOnlyList<ScenarioRecommendation>> ForEnterpriseAsync(EnterpriseDocument firm, int k, IReadOnlySet<Guid> dismissed, CancellationToken ct,
        Feedback.FeedbackPrior? feedback = null)
    {
        var text = string.Join('\n', firm.Description, string.Join('\n', firm.Cases), string.Join(' ', firm.Technologies));
        var candidates = (await engine.RetrieveScenariosAsync(new ScenarioRetrievalQuery(text, firm.Technologies, Math.Max(options.Value.CandidatePool, k), ScenarioAudience.ForViewer(firm.Region)), ct))
            .Where(c => !dismissed.Contains(c.Scenario.Id)
                        && EligibilityRules.For(c.Scenario).Admits(firm))
            .ToList();
        if (candidates.Count == 0) return [];
        var maxText = candidates.Max(c => c.TextScore);
        return candidates
            .Select(c => (c.Scenario, Recommendation: Score(c.Scenario, DeliveryFit.DemandsOf(c.Scenario), new EnterpriseCandidate(firm, c.TextScore), maxText, options.Value.Weights,
                wanted: _roles.WantedBy(c.Scenario))))
            // Learning from use: the firm's record per domain reorders the scenarios it may apply to.
            .Select(x => feedback is null ? x : (x.Scenario, Recommendation: x.Recommendation with { Score = feedback.Scale(x.Recommendation.Score, firm.Id, x.Scenario.Domain) }))
            .OrderByDescending(x => x.Recommendation.Score).ThenBy(x => x.Scenario.ClosesAt)
            .Take(k)
            .Select(x =>
            {
                var r = WithSnippet(x.Recommendation, BestSentence(firm, ScenarioTerms(x.Scenario)));
                return new ScenarioRecommendation(x.Scenario, r.Score, r.Reasons.Where(reason => reason.Kind != "region").ToList());
            })
            .ToList();
    }

    /// <summary>
    /// For each candidate, its best past case scored by the scenario's character bigrams it contains, each weighed by
    /// its rarity among the candidates' texts (a local IDF: words every candidate uses describe the setting, not the
    /// problem), normalised to the best candidate. Firms often show a capability only in their cases.
    /// </summary>
    internal static Dictionary<Guid, (double Score, string? Case)> CaseEvidence(ScenarioDocument s, IReadOnlyList<EnterpriseCandidate> candidates)
    {
        var keys = CjkBigrams(string.Join('\n', s.Title, s.Summary, string.Join(' ', s.Technologies)));
        var df = new Dictionary<string, int>();
        foreach (var c in candidates)
            foreach (var b in CjkBigrams(c.Enterprise.DescriptionAndCases()))
                if (keys.Contains(b)) df[b] = df.GetValueOrDefault(b) + 1;
        var n = candidates.Count;
        double Weight(string b) => Math.Log((n + 1.0) / (df.GetValueOrDefault(b) + 0.5));
        var raw = new Dictionary<Guid, (double Score, string? Case)>();
        foreach (var c in candidates)
        {
            (double Score, string? Case) best = (0, null);
            foreach (var text in c.Enterprise.Cases)
            {
                var score = CjkBigrams(text).Where(keys.Contains).Sum(Weight);
                if (score > best.Score) best = (score, text);
            }
            raw[c.Enterprise.Id] = best;
        }
        var max = raw.Values.Max(v => v.Score);
        return raw.ToDictionary(p => p.Key, p => (max > 0 ? p.Value.Score / max : 0.0, p.Value.Case));
    }

    /// <summary>Distinct pairs of adjacent CJK characters (or letters/digits), lower-cased: cheap enough for every candidate.</summary>
    internal static HashSet<string> CjkBigrams(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < text.Length; i++)
            if (char.IsLetterOrDigit(text[i]) && char.IsLetterOrDigit(text[i + 1]) && (text[i] > 0x2E80 || text[i + 1] > 0x2E80))
                set.Add(string.Concat(char.ToLowerInvariant(text[i]), char.ToLowerInvariant(text[i + 1])));
        return set;
    }

    internal Recommendation Score(ScenarioDocument s, DeliveryFit.Demands demands, EnterpriseCandidate c, float maxText, FeatureWeights w,
        (double Score, string? Case)? evidence = null, IReadOnlySet<string>? wanted = null)
    {
        var e = c.Enterprise;
        var reasons = new List<Reason>();
        var firmText = e.DescriptionAndCases();

        var textScore = maxText > 0 ? c.TextScore / maxText : 0;

        var matchedTech = s.Technologies
            .Where(t => e.Technologies.Any(f => thesaurus.AreEquivalent(t, f)) || thesaurus.Mentions(firmText, t))
            .ToList();
        var techScore = s.Technologies.Count == 0 ? 0 : (double)matchedTech.Count / s.Technologies.Count;
        if (matchedTech.Count > 0)
            reasons.Add(new("technology", ReasonTemplates.Technology, [string.Join("、", matchedTech), $"{matchedTech.Count}", $"{s.Technologies.Count}"]));

        var domainHits = e.ExperienceDomains.Count(d => d == s.Domain) + e.Cases.Count(x => x.Contains(s.Domain, StringComparison.Ordinal));
        var domainScore = domainHits > 0 ? 1.0 : 0.0;
        if (domainHits > 0) reasons.Add(new("domain", ReasonTemplates.Domain, [s.Domain, $"{domainHits}"]));

        var quals = e.Qualifications.Where(q => CapabilityQualifications.Contains(q)).ToList();
        var qualScore = quals.Count > 0 ? 1.0 : 0.0;
        if (quals.Count > 0) reasons.Add(new("qualification", ReasonTemplates.Qualification, [string.Join("、", quals)]));

        var regionScore = RegionScore(e.Region);
        if (regionScore > 0) reasons.Add(new("region", ReasonTemplates.Region, [e.Region]));

        var loadScore = Math.Min(1.0, e.OpenApplications / 5.0);
        if (e.OpenApplications >= 3) reasons.Add(new("load", ReasonTemplates.Load, [$"{e.OpenApplications}"]));

        // The best case is shown by the snippet reason (a case sentence wins there), so evidence only scores.
        var evidenceScore = evidence?.Score ?? 0;

        var fit = DeliveryFit.Assess(demands, e, firmText);
        reasons.AddRange(fit.Select(f => new Reason(f.Value < 0 ? "conflict" : "fit", f.Reason, f.Args ?? [])));

        // One role the scenario did not ask for is enough to say the firm is not the one to build it; more say no more.
        var roleMismatch = 0.0;
        if (w.Role > 0 && _roles.Mismatches(wanted ?? _roles.WantedBy(s), e) is { Count: > 0 } mismatches)
        {
            roleMismatch = 1;
            reasons.Add(new("conflict", ReasonTemplates.Role, [string.Join("、", mismatches.Select(m => m.Label))]));
        }

        // Relative to the text match: a stated fit does not lift a firm the scenario's words do not reach.
        // Several conflicts cannot turn the score negative: the firm stays a (distant) candidate an officer can still see.
        var score = w.Text * textScore * Math.Max(0.1, 1 + w.Fit * fit.Sum(f => f.Value) - w.Role * roleMismatch) + w.Technology * techScore + w.Domain * domainScore
                    + w.Qualification * qualScore + w.Region * regionScore - w.Load * loadScore + w.Evidence * evidenceScore;
        return new Recommendation(e, Math.Round(score, 6), reasons);
    }

    /// <summary>Tongzhou first, then the partner areas the cooperation policy names (北三县, 雄安).</summary>
    internal static double RegionScore(string region) =>
        region.StartsWith("通州区", StringComparison.Ordinal) ? 1.0
        : region.StartsWith("北三县", StringComparison.Ordinal) || region.StartsWith("雄安", StringComparison.Ordinal) ? 0.6
        : region.StartsWith("北京", StringComparison.Ordinal) ? 0.3
        : 0.0;

    internal static bool IsSmallFirm(EnterpriseDocument e) => e.Qualifications.Contains("科技型中小企业") || e.Employees < 100;

    /// <summary>
    /// Keeps a share of the top k for small firms: a small firm just below the cut replaces the lowest-ranked large
    /// firm in the top k when its score is within the floor, so a handful of big names cannot take every slot.
    /// </summary>
    internal static IReadOnlyList<Recommendation> ApplyExposureControl(List<Recommendation> ranked, int k, MatchingOptions o)
    {
        var top = ranked.Take(k).ToList();
        var rest = ranked.Skip(k).ToList();
        var wanted = (int)Math.Ceiling(top.Count * o.SmallFirmShare);
        var small = top.Count(r => IsSmallFirm(r.Enterprise));
        while (small < wanted)
        {
            var promote = rest.FirstOrDefault(r => IsSmallFirm(r.Enterprise));
            var displaceIndex = top.FindLastIndex(r => !IsSmallFirm(r.Enterprise));
            if (promote is null || displaceIndex < 0 || promote.Score < top[displaceIndex].Score * o.ExposureFloor) break;
            var displaced = top[displaceIndex];
            top.RemoveAt(displaceIndex);
            rest.Remove(promote);
            rest.Insert(0, displaced);
            top.Add(promote with { Reasons = [.. promote.Reasons, new Reason("exposure", ReasonTemplates.Exposure, [])] });
            small++;
        }
        return top.OrderByDescending(r => r.Score).ThenBy(r => r.Enterprise.Id).Concat(rest).Take(Math.Max(k, 0)).ToList();
    }

    /// <summary>
    /// The sentence of the firm's description or cases sharing most of the scenario's bigrams (at least two); a case
    /// wins a tie, being work done rather than a claim.
    /// </summary>
    private static (string Text, bool FromCase)? BestSentence(EnterpriseDocument firm, HashSet<string> scenarioBigrams)
    {
        static IEnumerable<string> Sentences(string text) =>
            text.Split(['。', '；', '\n', '！', '？'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var best = firm.Cases.SelectMany(Sentences).Select(sentence => (sentence, fromCase: true))
            .Concat(Sentences(firm.Description).Select(sentence => (sentence, fromCase: false)))
            .Select(x => (x.sentence, x.fromCase, hits: CjkBigrams(x.sentence).Count(scenarioBigrams.Contains)))
            .Where(x => x.hits >= 2)
            .OrderByDescending(x => x.hits)
            .FirstOrDefault();
        if (best.sentence is null) return null;
        return (best.sentence.Length > 60 ? best.sentence[..60] + "…" : best.sentence, best.fromCase);
    }
}
