using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises;
using Marketplace.Enterprises.Import;
using Marketplace.Scenarios;
using Npgsql;

namespace Marketplace.Flows.Indexing;

/// <summary>A firm's profile or verified qualifications changed: refresh its search entry.</summary>
public sealed class IndexChangedProfile(SearchIndexer indexer) : IOutboxHandler
{
    public string Type => EnterpriseEvents.ProfileChangedV1;

    public Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ProfileChanged>(message.Payload, OutboxWriter.Json)!;
        return indexer.IndexEnterpriseAsync(e.EnterpriseId, ct);
    }
}

/// <summary>A firm won an award: its entry carries its last award, which rules excluding recent winners filter on.</summary>
public sealed class IndexAwardedEnterprise(SearchIndexer indexer, Marketplace.Matching.Feedback.FeedbackPriors priors) : IOutboxHandler
{
    public string Type => ScenarioEvents.EnterpriseAwardedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<EnterpriseAwarded>(message.Payload, OutboxWriter.Json)!;
        await indexer.IndexEnterpriseAsync(e.EnterpriseId, ct);
        // The award also counts in the firm's record for ranking (learning from use).
        await priors.RefreshAsync(ct);
    }
}

/// <summary>A bulk import changed many firms at once: rebuilding is cheaper than one update per firm.</summary>
public sealed class ReindexAfterImport(SearchIndexer indexer) : IOutboxHandler
{
    public string Type => EnterpriseImport.DirectoryImportedV1;

    public Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        // Imports committed by now (their message is visible, in the same transaction as their firms): the rebuild that
        // starts next reads them, so their own messages need no rebuild of their own.
        indexer.RebuildForChangeAsync(message.Id, c => OutboxStore.PendingIdsAsync(connection, transaction, Type, c), ct);
}
