using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Flows.Eligibility;
using Marketplace.Flows.Indexing;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Applications;
using Npgsql;

namespace Marketplace.Flows.Closing;

/// <summary>
/// Close and re-check: a scenario closed, so its applications are checked again with each firm's facts as they are now
/// (a qualification may have expired, a suspension begun, an award been won), and the index learns it is closed and
/// that its applicants now have it as experience.
/// </summary>
public sealed class EligibilityAtClose(CheckEligibilityAtClose check, ApplicantFactsSource facts, ApplicationQueries applications,
    SearchIndexer indexer, Marketplace.Matching.Feedback.FeedbackPriors priors) : IOutboxHandler
{
    public string Type => ScenarioEvents.ScenarioClosedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ScenarioClosed>(message.Payload, OutboxWriter.Json)!;
        var result = await check.HandleAsync(e.ScenarioId, id => facts.ForAsync(id, ct), ct);
        if (!result.IsSuccess && result.FirstError.Code != "scenario_not_closed")
            throw new InvalidOperationException($"Eligibility at close failed: {result.FirstError.Code}");
        await indexer.IndexScenarioAsync(e.ScenarioId, ct);
        // The window has closed, so the applicants' track record may count now (it was sealed until this moment).
        var applicants = await applications.ListSubmittersAsync(e.ScenarioId, ["eligible", "ineligible"], ct);
        foreach (var enterpriseId in applicants.Select(a => a.EnterpriseId).Distinct())
            await indexer.IndexEnterpriseAsync(enterpriseId, ct);
        // …and whether invited firms applied now counts in ranking (learning from use).
        await priors.RefreshAsync(ct);
    }
}
