using Marketplace.Flows.Recommending;
using Marketplace.Flows.Indexing;
using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Scenarios;
using Npgsql;
using Marketplace.Flows.Notices;

namespace Marketplace.Flows.Indexing;

/// <summary>A published scenario enters the search index, and its best-matching firms are invited.</summary>
public sealed class IndexPublishedScenario(SearchIndexer indexer, AutoInvitations invitations, Follows follows,
    Marketplace.Scenarios.Listings.ScenarioStore scenarios) : IOutboxHandler
{
    public string Type => ScenarioEvents.ScenarioPublishedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ScenarioPublished>(message.Payload, OutboxWriter.Json)!;
        await indexer.IndexScenarioAsync(e.ScenarioId, ct);
        if (e.AutoInvite) await invitations.InviteAsync(e.ScenarioId, ct);
        if (await scenarios.GetAsync(e.ScenarioId, ct) is { Status: Marketplace.Scenarios.Listings.ScenarioStatus.Published } s)
            await follows.OnPublishedAsync(s, connection, transaction, ct);
    }
}

