using System.Net;
using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Listings;
using Marketplace.Web.Search;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>A scenario closed: check its applications' eligibility again with today's firm facts, and update the index.</summary>
public sealed class EligibilityAtClose(CheckEligibilityAtClose check, EnterpriseStore enterprises, SearchIndexer indexer) : IOutboxHandler
{
    public string Type => ScenarioEvents.ScenarioClosedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ScenarioClosed>(message.Payload, OutboxWriter.Json)!;
        var result = await check.HandleAsync(e.ScenarioId, async id =>
            await enterprises.GetAsync(id, ct) is { } firm ? Applicants.ToFacts(firm) : null, ct);
        if (!result.IsSuccess && result.FirstError.Code != "scenario_not_closed")
            throw new InvalidOperationException($"Eligibility at close failed: {result.FirstError.Code}");
        await indexer.IndexScenarioAsync(e.ScenarioId, ct);
    }
}
