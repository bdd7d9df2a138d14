using System.Text.Json;
using Dapper;
using Marketplace.Flows.Indexing;
using Marketplace.IntegrationTests.Support;
using Marketplace.Matching.Search;
using Npgsql;

namespace Marketplace.IntegrationTests.Search;

/// <summary>
/// The rebuild reads the directory a page of firms at a time (with each page's experience and last awards) instead of
/// holding every firm at once: the index it builds is the one that indexing each firm on its own gives, across page
/// boundaries, and it holds every firm.
/// </summary>
public sealed class IndexRebuildTests(SeededMarketplaceApp app) : IClassFixture<SeededMarketplaceApp>
{
    [PostgresFact]
    public async Task Rebuild_InPagesOfFirms_IndexesEveryFirmAsIndexingItAloneDoes()
    {
        await app.DrainOutboxAsync(); // the demo import's own rebuild is done before this one starts
        var indexer = app.Get<SearchIndexer>();
        var engine = app.Get<ISearchEngine>();
        await using var conn = await app.Get<NpgsqlDataSource>().OpenConnectionAsync();
        var ids = (await conn.QueryAsync<Guid>("select id from enterprises.enterprises order by credit_code")).ToList();
        Assert.True(ids.Count > 3 * 7, $"the demo has {ids.Count} firms");
        // Track records on several pages and an award, so pages carry experience and last awards, not only profiles.
        await conn.ExecuteAsync("""
            with firms as (select id, row_number() over (order by credit_code) as n from enterprises.enterprises),
                 s as (select id from scenarios.scenarios where status = 'published' order by code limit 1)
            insert into scenarios.applications (id, scenario_id, enterprise_id, submitted_by, status, approach, quoted_budget_wan, created_at, updated_at, submitted_at)
            select gen_random_uuid(), s.id, f.id, gen_random_uuid(), 'submitted', '方案', 10, now(), now(), now() from firms f, s where f.n in (3, 10, 17, 24);
            update scenarios.scenarios set status = 'closed' where id in (select scenario_id from scenarios.applications where status = 'submitted');
            insert into scenarios.awards (id, scenario_id, application_id, enterprise_id, awarded_at)
            select gen_random_uuid(), scenario_id, id, enterprise_id, now() from scenarios.applications where status = 'submitted' order by id desc limit 1;
            """);

        await indexer.RebuildAsync(batch: 7, CancellationToken.None);
        Assert.Equal(ids.Count, (await engine.CountAsync(default)).Enterprises);
        var rebuilt = new Dictionary<Guid, string>();
        foreach (var id in ids) rebuilt[id] = JsonSerializer.Serialize(await engine.GetEnterpriseAsync(id, default));
        var documents = ids.Select(id => JsonSerializer.Deserialize<JsonElement>(rebuilt[id])).ToList();
        Assert.Contains(documents, d => d.GetProperty("ExperienceDomains").GetArrayLength() > 0);
        Assert.Contains(documents, d => d.GetProperty("LastAwardedMicros").GetInt64() > 0);

        foreach (var id in ids) await indexer.IndexEnterpriseAsync(id, CancellationToken.None);
        foreach (var id in ids) Assert.Equal(rebuilt[id], JsonSerializer.Serialize(await engine.GetEnterpriseAsync(id, default)));
    }

    [PostgresFact]
    public async Task RebuildForAChange_ThatARebuildForAnotherAlreadyRead_IsSkipped()
    {
        await app.DrainOutboxAsync();
        var indexer = app.Get<SearchIndexer>();
        var (first, second, later) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var asked = 0;
        Task<IReadOnlySet<Guid>> Pending(params Guid[] ids) { asked++; return Task.FromResult<IReadOnlySet<Guid>>(ids.ToHashSet()); }

        Assert.True(await indexer.RebuildForChangeAsync(first, _ => Pending(first, second), default));
        Assert.False(await indexer.RebuildForChangeAsync(second, _ => Pending(second), default)); // committed before the first rebuild began
        Assert.True(await indexer.RebuildForChangeAsync(later, _ => Pending(later), default));   // committed after: read again
        Assert.Equal(2, asked);
        Assert.True(await indexer.RebuildForChangeAsync(first, _ => Pending(first), default));   // only the last rebuild's changes count
    }
}
