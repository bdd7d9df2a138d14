using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Scenarios;
using Marketplace.Web.Notifications;
using Npgsql;

namespace Marketplace.Web.Search;

/// <summary>A published scenario enters the search index.</summary>
public sealed class IndexPublishedScenario(SearchIndexer indexer) : IOutboxHandler
{
    public string Type => ScenarioEvents.ScenarioPublishedV1;

    public Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ScenarioPublished>(message.Payload, OutboxWriter.Json)!;
        return indexer.IndexScenarioAsync(e.ScenarioId, ct);
    }
}
