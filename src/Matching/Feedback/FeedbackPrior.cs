using System.ComponentModel.DataAnnotations;
using Marketplace.Matching.Recommendations;

namespace Marketplace.Matching.Feedback;

/// <summary>Learning from use (section <c>Matching:Feedback</c>): how much a firm's record on the platform moves its rank.</summary>
public sealed class FeedbackOptions
{
    public const string Section = "Matching:Feedback";

    /// <summary>
    /// Largest relative change of a recommendation's score: the multiplier stays within [1 − Weight, 1 + Weight].
    /// 0 turns learning from use off (dismissed firms are still left out of that scenario).
    /// </summary>
    [Range(0, 0.5)] public double Weight { get; set; } = 0.1;

    /// <summary>
    /// Pseudo-observations of the Beta prior: how many outcomes a firm needs before its own rate counts as much as the
    /// platform's; the same strength shrinks a firm's rate in one domain towards its rate overall.
    /// </summary>
    [Range(0.5, 100)] public double PriorStrength { get; set; } = 5;

    /// <summary>How long the table is used before it is read again (events in this process refresh it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Outcomes of one firm in one domain: <paramref name="Positive"/> of <paramref name="Total"/> were good ones (an
/// invitation followed by an application, an award); the rest were invitations not taken up and "not relevant" dismissals.
/// </summary>
public sealed record FeedbackOutcome(Guid EnterpriseId, string Domain, int Positive, int Total);

/// <summary>
/// A firm's record on the platform turned into a small, bounded multiplier on its recommendation score. Each firm's rate
/// of good outcomes is smoothed with a Beta prior centred on the platform's rate, and its rate in the scenario's domain is
/// smoothed towards the firm's own rate (a hierarchy: platform → firm → firm in domain). The multiplier is
/// 1 + Weight × lift, where lift ∈ [−1, 1] is how far the smoothed rate sits from the platform's rate relative to the
/// room it has on that side; a firm with no record sits exactly on the platform's rate, so it is neither helped nor hurt.
/// It only reorders firms the hard rules admitted: it never filters and never admits.
/// </summary>
public sealed class FeedbackPrior
{
    private readonly Dictionary<Guid, FirmRecord> _firms;

    private sealed record FirmRecord(int Positive, int Total, double Rate, Dictionary<string, (int Positive, int Total)> Domains);

    public static FeedbackPrior None { get; } = new([], 0, 1, 0.5);

    private static long s_loaded;

    /// <summary>Distinct for every prior built in this process: answers computed with a prior are kept under it.</summary>
    public long Version { get; } = Interlocked.Increment(ref s_loaded);

    public double Weight { get; }
    public double Strength { get; }
    /// <summary>The platform's smoothed rate of good outcomes: the prior mean every firm starts from.</summary>
    public double PlatformRate { get; }
    public int Firms => _firms.Count;

    private FeedbackPrior(Dictionary<Guid, FirmRecord> firms, double weight, double strength, double platformRate)
    {
        _firms = firms;
        Weight = weight;
        Strength = strength;
        PlatformRate = platformRate;
    }

    public static FeedbackPrior From(IEnumerable<FeedbackOutcome> outcomes, double weight, double strength)
    {
        var byFirm = outcomes.Where(o => o.Total > 0).GroupBy(o => o.EnterpriseId).ToList();
        var positive = byFirm.Sum(g => g.Sum(o => o.Positive));
        var total = byFirm.Sum(g => g.Sum(o => o.Total));
        // Laplace's rule keeps the platform rate strictly inside (0, 1), so both directions have room.
        var platform = (positive + 1.0) / (total + 2.0);
        var firms = new Dictionary<Guid, FirmRecord>(byFirm.Count);
        foreach (var g in byFirm)
        {
            var p = g.Sum(o => o.Positive);
            var n = g.Sum(o => o.Total);
            var domains = g.GroupBy(o => o.Domain, StringComparer.Ordinal)
                .ToDictionary(d => d.Key, d => (d.Sum(o => o.Positive), d.Sum(o => o.Total)), StringComparer.Ordinal);
            firms[g.Key] = new FirmRecord(p, n, (p + strength * platform) / (n + strength), domains);
        }
        return new FeedbackPrior(firms, weight, strength, platform);
    }

    /// <summary>The factor for a firm on a scenario of <paramref name="domain"/>: exactly 1 without a record or weight.</summary>
    public double MultiplierFor(Guid enterpriseId, string domain)
    {
        if (Weight <= 0 || !_firms.TryGetValue(enterpriseId, out var firm)) return 1.0;
        var rate = firm.Domains.TryGetValue(domain, out var d) ? (d.Positive + Strength * firm.Rate) / (d.Total + Strength) : firm.Rate;
        var lift = rate >= PlatformRate ? (rate - PlatformRate) / (1 - PlatformRate) : (rate - PlatformRate) / PlatformRate;
        return 1 + Weight * Math.Clamp(lift, -1, 1);
    }

    /// <summary>The firm's recommendation with its score scaled and, when it has a record, a reason saying what it is.</summary>
    public Recommendation Apply(Recommendation r, string domain)
    {
        if (Weight <= 0 || !_firms.TryGetValue(r.Enterprise.Id, out var firm)) return r;
        var inDomain = firm.Domains.GetValueOrDefault(domain);
        return r with
        {
            Score = Math.Round(Scale(r.Score, MultiplierFor(r.Enterprise.Id, domain)), 6),
            Reasons = [.. r.Reasons, new Reason("feedback", ReasonTemplates.Feedback, [$"{firm.Positive}", $"{firm.Total}", $"{inDomain.Positive}", $"{inDomain.Total}"])],
        };
    }

    /// <summary>A score scaled by the firm's factor in the domain (used where the reason is not shown, as for a firm's own list).</summary>
    public double Scale(double score, Guid enterpriseId, string domain) => Math.Round(Scale(score, MultiplierFor(enterpriseId, domain)), 6);

    /// <summary>Multiplying a negative score (several conflicts) by a factor above one would lower it: dividing keeps "a good record ranks higher".</summary>
    private static double Scale(double score, double multiplier) => score >= 0 ? score * multiplier : score / multiplier;
}
