using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Scenarios;
using Marketplace.Flows.Indexing;
using Npgsql;

namespace Marketplace.Flows.Notices;

/// <summary>
/// After a firm applies: its index entry is refreshed so the new track record counts in matching, then the receipt
/// goes out (<see cref="ApplicationReceipt"/>).
/// </summary>
public sealed class ApplicationSubmittedHandler(SearchIndexer indexer, ApplicationReceipt receipt) : IOutboxHandler
{
    public string Type => ScenarioEvents.ApplicationSubmittedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = System.Text.Json.JsonSerializer.Deserialize<ApplicationSubmitted>(message.Payload, OutboxWriter.Json)!;
        await indexer.IndexEnterpriseAsync(e.EnterpriseId, ct);
        await receipt.SendAsync(message, connection, transaction, ct);
    }
}
