using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Matching.Recommendations;
using Marketplace.Scenarios.Listings;
using Marketplace.Flows.Indexing;
using Microsoft.Extensions.Options;

namespace Marketplace.Flows.Recommending;

/// <summary>Section <c>Invitations</c>.</summary>
public sealed class InvitationOptions
{
    public const string Section = "Invitations";
    /// <summary>At publication, invite this many of the best-matching firms (0 turns automatic invitations off).</summary>
    public int AutoInviteTopK { get; set; } = 5;
    /// <summary>…but only firms whose score is at least this share of the best firm's score.</summary>
    public double MinRelativeScore { get; set; } = 0.6;
}

/// <summary>
/// When a scenario is published, its best-matching firms are invited by email with the matcher's reasons. Idempotent:
/// an invitation is recorded once per (scenario, firm), so a retried event invites nobody twice.
/// </summary>
public sealed class AutoInvitations(Recommender recommender, MatchingFeedback feedback, Recommendations invitations, ScenarioStore scenarios,
    Marketplace.Enterprises.Profiles.EnterpriseStore enterprises, IOptions<InvitationOptions> options, Marketplace.Matching.Feedback.FeedbackPriors priors)
{
    /// <summary>The account that stands for the platform itself in invitation records.</summary>
    public static readonly Guid System = Guid.Empty;

    public async Task<int> InviteAsync(Guid scenarioId, CancellationToken ct)
    {
        var o = options.Value;
        if (o.AutoInviteTopK <= 0) return 0;
        var scenario = await scenarios.GetAsync(scenarioId, ct);
        if (scenario is not { Status: ScenarioStatus.Published }) return 0;
        var recommendations = await recommender.ForScenarioAsync(SearchIndexer.ToDocument(scenario), o.AutoInviteTopK, ct,
            await feedback.FirmsThatDismissedAsync(scenarioId, ct), await priors.CurrentAsync(ct));
        if (recommendations.Count == 0) return 0;
        var best = recommendations[0].Score;
        var invited = 0;
        foreach (var r in recommendations.Where(r => best <= 0 || r.Score >= best * o.MinRelativeScore))
        {
            if (await enterprises.GetAsync(r.Enterprise.Id, ct) is not { } firm) continue;
            var result = await invitations.InviteEligibleAsync(scenario, firm, r.Reasons.Select(x => x.Text).ToList(), System, ct);
            if (result.IsSuccess) invited++;
        }
        return invited;
    }
}
