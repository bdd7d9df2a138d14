using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Recommendations;
using Marketplace.Scenarios.Listings;
using Marketplace.Flows.Indexing;
using Microsoft.Extensions.Options;

namespace Marketplace.Flows.Recommending;

/// <summary>A firm the matcher proposes to invite at publication, with a relative fit the officer can read.</summary>
/// <param name="Proposed">Ticked by default: among the configured top K and close enough to the best firm.</param>
public sealed record InvitationCandidate(Recommendation Recommendation, string Fit, bool Proposed);

/// <summary>One chosen firm and what inviting it did (or why it was refused).</summary>
public sealed record InvitationResult(Guid EnterpriseId, string FirmName, Result<InvitationOutcome> Outcome);

/// <summary>
/// Publishing with the officer's choice of invitees: the preview lists the matched firms with their reasons and a
/// relative fit (never a bare score), the officer unticks or adds firms, and exactly the chosen ones are invited
/// — nobody else, and nobody silently (the publication event is marked so the automatic invitation stays off).
/// </summary>
public sealed class PublishWithInvitations(PublishScenario publish, Recommendations invitations, Recommender recommender, MatchingFeedback feedback,
    ScenarioStore scenarios, EnterpriseStore enterprises, IOptions<InvitationOptions> options, TimeProvider clock)
{
    /// <summary>How many matched firms the preview shows (the proposed ones are ticked).</summary>
    public const int PreviewSize = 10;

    public async Task<Result<(Scenario Scenario, IReadOnlyList<InvitationCandidate> Candidates)>> PreviewAsync(Guid scenarioId, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(scenarioId, ct);
        if (scenario is null) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.CheckCanPublish(clock.GetUtcNow()) is { } refusal) return refusal;
        var o = options.Value;
        var items = await recommender.ForScenarioAsync(SearchIndexer.ToDocument(scenario), Math.Max(PreviewSize, o.AutoInviteTopK), ct,
            await feedback.FirmsThatDismissedAsync(scenarioId, ct));
        var best = items.Count == 0 ? 0 : items[0].Score;
        var candidates = items.Select((r, i) => new InvitationCandidate(r, MatchFit.Relative(r.Score, best),
            i < o.AutoInviteTopK && (best <= 0 || r.Score >= best * o.MinRelativeScore))).ToList();
        return (scenario, (IReadOnlyList<InvitationCandidate>)candidates);
    }

    /// <summary>Publishes, then invites each chosen firm through the one invitation path (eligibility checked, emails honest).</summary>
    public async Task<Result<(Scenario Scenario, IReadOnlyList<InvitationResult> Invitations)>> HandleAsync(Guid scenarioId, IReadOnlyList<Guid> invite,
        Guid officerId, CancellationToken ct)
    {
        var chosen = invite.Distinct().Take(50).ToList();
        var published = await publish.HandleAsync(scenarioId, ct, officerId, autoInvite: false);
        if (!published.IsSuccess) return Result<(Scenario, IReadOnlyList<InvitationResult>)>.Fail(published.Errors);
        var scenario = published.Value;
        var results = new List<InvitationResult>();
        if (chosen.Count == 0) return (scenario, (IReadOnlyList<InvitationResult>)results);
        var reasons = (await recommender.ForScenarioAsync(SearchIndexer.ToDocument(scenario), 200, ct))
            .ToDictionary(r => r.Enterprise.Id, r => r.Reasons.Select(x => x.Text).ToList());
        foreach (var id in chosen)
        {
            if (await enterprises.GetAsync(id, ct) is not { } firm)
            {
                results.Add(new InvitationResult(id, id.ToString(), Error.NotFound("enterprise_not_found", "企业不存在")));
                continue;
            }
            var why = reasons.TryGetValue(id, out var r) && r.Count > 0 ? r : ["经办人选定"];
            results.Add(new InvitationResult(id, firm.Name, await invitations.InviteEligibleAsync(scenario, firm, why, officerId, ct)));
        }
        return (scenario, (IReadOnlyList<InvitationResult>)results);
    }
}

/// <summary>A recommendation's fit relative to the best one for the same scenario, in words: scores alone mean nothing to a person.</summary>
public static class MatchFit
{
    public static string Relative(double score, double best) =>
        best <= 0 ? "一般匹配" : (score / best) switch { >= 0.85 => "高度匹配", >= 0.6 => "较为匹配", _ => "一般匹配" };
}
