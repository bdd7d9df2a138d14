using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Feedback;
using Marketplace.Matching.Recommendations;
using Marketplace.Scenarios.Listings;
using Marketplace.Flows.Eligibility;
using Marketplace.Flows.Indexing;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Caching;
using Marketplace.BuildingBlocks.Data;
using Marketplace.Matching.Search;

namespace Marketplace.Flows.Recommending;

/// <summary>The host's side of matching: recommendations both ways with feedback applied, and invitations.</summary>
public sealed class Recommendations(
    Recommender recommender, SearchIndexer indexer, MatchingFeedback feedback, ScenarioStore scenarios, EnterpriseStore enterprises,
    ApplicantFactsSource facts, OutboxSignal outbox, FeedbackPriors priors, ISearchEngine engine, DataVersion data, TimeProvider clock)
{
    public sealed record ForScenario(Scenario Scenario, IReadOnlyList<Recommendation> Items, IReadOnlySet<Guid> Invited);

    // A recommendation reads the scenario, the feedback and the priors from the database and the candidates from the
    // index: it is computed once per committed state of the database, reader of the index, prior and minute (open
    // scenarios close with the clock) and shared by every page and API call that asks meanwhile (decision 65).
    private readonly VersionedCache<Result<ForScenario>> _forScenario = new(capacity: 4096);
    private readonly VersionedCache<Result<IReadOnlyList<ScenarioRecommendation>>> _forEnterprise = new(capacity: 16384);

    /// <summary>Everything a recommendation depends on, or null when the engine cannot tell (then nothing is kept).</summary>
    private async Task<string?> VersionAsync(CancellationToken ct)
    {
        if (engine.AnswerVersion is not { } index) return null;
        var prior = await priors.CurrentAsync(ct);
        return $"{await data.AtMinuteAsync(clock, ct)}|{index}|{prior.Version}";
    }

    public async Task<Result<ForScenario>> ForScenarioAsync(Guid scenarioId, int k, CancellationToken ct) =>
        await VersionAsync(ct) is { } version
            ? await _forScenario.GetOrAddAsync($"{scenarioId:N}:{k}", version, c => ComputeForScenarioAsync(scenarioId, k, c), ct)
            : await ComputeForScenarioAsync(scenarioId, k, ct);

    public async Task<Result<IReadOnlyList<ScenarioRecommendation>>> ForEnterpriseAsync(Guid enterpriseId, int k, CancellationToken ct) =>
        await VersionAsync(ct) is { } version
            ? await _forEnterprise.GetOrAddAsync($"{enterpriseId:N}:{k}", version, c => ComputeForEnterpriseAsync(enterpriseId, k, c), ct)
            : await ComputeForEnterpriseAsync(enterpriseId, k, ct);

    private async Task<Result<ForScenario>> ComputeForScenarioAsync(Guid scenarioId, int k, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(scenarioId, ct);
        if (scenario is null) return Error.NotFound("scenario_not_found", "场景不存在");
        var excluded = await feedback.FirmsThatDismissedAsync(scenarioId, ct);
        var items = await recommender.ForScenarioAsync(SearchIndexer.ToDocument(scenario), k, ct, excluded, await priors.CurrentAsync(ct));
        return new ForScenario(scenario, items, await feedback.InvitedFirmsAsync(scenarioId, ct));
    }

    private async Task<Result<IReadOnlyList<ScenarioRecommendation>>> ComputeForEnterpriseAsync(Guid enterpriseId, int k, CancellationToken ct)
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
