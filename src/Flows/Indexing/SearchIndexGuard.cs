using Marketplace.Matching;
using Marketplace.Matching.Search;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Flows.Indexing;

/// <summary>
/// Keeps the derived index usable while the site runs. The embedded Lucene index is rebuilt from the database when its
/// files are deleted or damaged under it (found by a cheap check of the last commit's files, or by a failed read or
/// write); meanwhile searches answer "unavailable" (503 or a message on the page), never a wrong or empty list. When the
/// check at start could not reach the engine (Meilisearch away), it is repeated until it succeeds.
/// </summary>
public sealed class SearchIndexGuard(
    ISearchEngine engine,
    SearchIndexer indexer,
    IOptions<MatchingOptions> options,
    ILogger<SearchIndexGuard> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.IndexCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be away during a rebuild: the index stays unavailable and the next tick tries again.
                logger.LogError(e, "Search index check or rebuild failed; trying again in {Interval}", options.Value.IndexCheckInterval);
            }
        }
    }

    /// <summary>One check: rebuilds a damaged Lucene index, or finishes a start-up check that could not reach the engine.</summary>
    public async Task CheckOnceAsync(CancellationToken ct)
    {
        if (engine is LuceneSearchEngine lucene && (lucene.CheckFiles() is not null || lucene.AwaitingRebuild))
        {
            if (lucene.Damage is not null)
            {
                logger.LogWarning("Search index damaged ({Damage}); rebuilding it from the database", lucene.Damage);
                lucene.Reset();
            }
            await indexer.RebuildAsync(ct);
            lucene.RebuildCompleted();
            Rebuilds++;
            logger.LogWarning("Search index rebuilt after damage; searches answer again");
        }
        else if (indexer.StartupCheckPending)
        {
            await indexer.EnsureCurrentAsync(ct);
        }
    }

    /// <summary>Rebuilds after damage since start (for operators and tests).</summary>
    public int Rebuilds { get; private set; }
}
