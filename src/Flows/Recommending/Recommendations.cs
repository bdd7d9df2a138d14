using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Feedback;
using Marketplace.Matching.Recommendations;
using Marketplace.Scenarios.Listings;
using Marketplace.Flows.Eligibility;
using Marketplace.Flows.Indexing;
using Marketplace.BuildingBlocks.Outbox;

namespace Marketplace.Flows.Recommending;

/// <summary>The host's side of matching: recommendations both ways with feedback applied, and invitations.</summary>
public sealed class Recommendations(
    Recommender recommender, SearchIndexer indexer, MatchingFeedback feedback, ScenarioStore scenarios, EnterpriseStore enterprises,
    ApplicantFactsSource facts, OutboxSignal outbox, FeedbackPriors priors)
{
    public sealed record ForScenario(Scenario Scenario, IReadOnlyList<Recommendation> Items, IReadOnlySet<Guid> Invited);

    public async Task<Result<ForScenario>> ForScenarioAsync(Guid scenarioId, int k, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(scenarioId, ct);
        if (scenario is null) return Error.NotFound("scenario_not_found", "场景不存在");
        var excluded = await feedback.FirmsThatDismissedAsync(scenarioId, ct);
        var items = await recommender.ForScenarioAsync(SearchIndexer.ToDocument(scenario), k, ct, excluded, await priors.CurrentAsync(ct));
        return new ForScenario(scenario, items, await feedback.InvitedFirmsAsync(scenarioId, ct));
    }

    public async Task<Result<IReadOnlyList<ScenarioRecommendation>>> ForEnterpriseAsync(Guid enterpriseId, int k, CancellationToken ct)
    {
        var firm = await indexer.DocumentForEnterpriseAsync(enterpriseId, ct);
        if (firm is null) return Error.NotFound("enterprise_not_found", "企业不存在");
        var dismissed = await feedback.DismissedScenariosAsync(enterpriseId, ct);
        return Result<IReadOnlyList<ScenarioRecommendation>>.Ok(await recommender.ForEnterpriseAsync(firm, k, dismissed, ct, await priors.CurrentAsync(ct)));
    }

    public async Task<Result<bool>> DismissAsync(Guid enterpriseId, Guid scenarioId, Guid userId, CancellationToken ct)
    {
        if (await scenarios.GetAsync(scenarioId, ct) is not { IsPublic: true }) return Error.NotFound("scenario_not_found", "场景不存在");
        await feedback.DismissAsync(enterpriseId, scenarioId, userId, ct);
        return true;
    }

    /// <summary>Invites a firm the matcher recommends for the scenario, quoting the matcher's reasons.</summary>
    public async Task<Result<InvitationOutcome>> InviteAsync(Guid scenarioId, Guid enterpriseId, Guid officerId, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(scenarioId, ct);
        if (scenario is null) return Error.NotFound("scenario_not_found", "场景不存在");
        var firm = await enterprises.GetAsync(enterpriseId, ct);
        if (firm is null) return Error.NotFound("enterprise_not_found", "企业不存在");
        var recommendation = (await recommender.ForScenarioAsync(SearchIndexer.ToDocument(scenario), 200, ct, feedback: await priors.CurrentAsync(ct))).FirstOrDefault(r => r.Enterprise.Id == enterpriseId);
        var reasons = recommendation?.Reasons.Select(r => r.Text).ToList() ?? ["经办人邀请"];
        return await InviteEligibleAsync(scenario, firm, reasons, officerId, ct);
    }

    /// <summary>
    /// Every invitation, by an officer or automatic at publication, passes here: the firm's facts are checked against
    /// the scenario's rules (the same check as submitting), so no firm is invited to a scenario it may not apply to.
    /// </summary>
    public async Task<Result<InvitationOutcome>> InviteEligibleAsync(Scenario scenario, EnterpriseProfile firm, IReadOnlyList<string> reasons, Guid invitedBy, CancellationToken ct)
    {
        var rules = scenario.CheckEligibility(await facts.ForAsync(firm, ct));
        if (rules.Count > 0) return Error.Conflict("enterprise_ineligible", $"该企业不满足场景的资格要求：{string.Join("；", rules.Select(r => r.Message))}");
        var result = await feedback.InviteAsync(scenario, firm, reasons, invitedBy, ct);
        if (result.IsSuccess) outbox.Notify();
        return result;
    }
}
