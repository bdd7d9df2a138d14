using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Scenarios;
using Marketplace.Web.Notifications;
using Npgsql;
using Marketplace.Flows.Notices;

namespace Marketplace.Web.Search;

/// <summary>A published scenario enters the search index, and its best-matching firms are invited.</summary>
public sealed class IndexPublishedScenario(SearchIndexer indexer, AutoInvitations invitations, Follows follows,
    Marketplace.Scenarios.Listings.ScenarioStore scenarios) : IOutboxHandler
{
    public string Type => ScenarioEvents.ScenarioPublishedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ScenarioPublished>(message.Payload, OutboxWriter.Json)!;
        await indexer.IndexScenarioAsync(e.ScenarioId, ct);
        await invitations.InviteAsync(e.ScenarioId, ct);
        if (await scenarios.GetAsync(e.ScenarioId, ct) is { Status: Marketplace.Scenarios.Listings.ScenarioStatus.Published } s)
            await follows.OnPublishedAsync(s, connection, transaction, ct);
    }
}

/// <summary>A firm's profile or verified qualifications changed: refresh its search entry.</summary>
public sealed class IndexChangedProfile(SearchIndexer indexer) : IOutboxHandler
{
    public string Type => Marketplace.Enterprises.EnterpriseEvents.ProfileChangedV1;

    public Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<Marketplace.Enterprises.ProfileChanged>(message.Payload, OutboxWriter.Json)!;
        return indexer.IndexEnterpriseAsync(e.EnterpriseId, ct);
    }
}

/// <summary>A bulk import changed many firms at once: rebuilding is cheaper than one update per firm.</summary>
public sealed class ReindexAfterImport(SearchIndexer indexer) : IOutboxHandler
{
    public string Type => Marketplace.Enterprises.Import.EnterpriseImport.DirectoryImportedV1;

    public Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        indexer.RebuildAsync(ct);
}
