using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;

using Microsoft.Extensions.Logging;

namespace Marketplace.Flows.Indexing;

/// <summary>
/// Turns module records into search documents and keeps the index in step with the database, which stays the
/// source of truth: the index can always be rebuilt from it.
/// </summary>
public sealed class SearchIndexer(
    ISearchEngine engine,
    ScenarioStore scenarios,
    EnterpriseStore enterprises,
    ApplicationQueries applications,
    ILogger<SearchIndexer> logger)
{
    /// <summary>A scenario as the index sees it; its hard rules are the scenario module's eligibility terms, passed on as data.</summary>
    public static ScenarioDocument ToDocument(Scenario s)
    {
        var rules = s.Eligibility;
        return new(s.Id, s.Code, s.Title, s.Summary, s.Description, s.Category, s.Domain, s.Location, s.Technologies, s.Status,
            s.ClosesAt, rules.RequiredQualifications, rules.MinRegisteredCapitalWan, rules.RegionPrefixes, s.Audience,
            rules.SuspensionDay, rules.WinnersAwardedAfter);
    }

    /// <summary>A firm as the index sees it: its card, its track record, and the facts eligibility reads (via <see cref="Eligibility.ApplicantFactsSource"/>).</summary>
    public static EnterpriseDocument ToDocument(EnterpriseProfile e, IReadOnlyList<ApplicationExperience> experience, DateTimeOffset? lastAwardedAt)
    {
        var facts = Eligibility.ApplicantFactsSource.From(e, lastAwardedAt);
        return new(
        e.Id, e.Name, e.Industry, facts.Region, facts.Qualifications.ToList(), facts.RegisteredCapitalWan, e.Employees, e.Technologies, e.Description,
        e.Cases.Select(FormatCase).ToList(),
        experience.Select(x => x.Domain).Distinct().ToList(),
        experience.Count,
        e.PublicCard,
        facts.SuspendedUntil,
        facts.LastAwardedAt);
    }

    private static string FormatCase(EnterpriseCase c)
    {
        var who = string.Join("，", new[] { c.Client, c.Year?.ToString() }.Where(x => !string.IsNullOrEmpty(x)));
        var head = who.Length > 0 ? $"{c.Title}（{who}）" : c.Title;
        return string.IsNullOrEmpty(c.Outcome) ? head : $"{head}：{c.Outcome}";
    }

    /// <summary>Firms read, turned into documents and handed to the engine per page of the directory.</summary>
    internal const int RebuildBatch = 5_000;

    /// <summary>
    /// Replaces the index with what the database holds. Firms are read a page at a time (their profiles, experience and
    /// last awards), so the rebuild's memory is one page's whatever the size of the directory: the site runs this
    /// after every bulk import, and reading all 100,000 firms at once took the process from about 400 to about 800 MB,
    /// which the garbage collector then kept.
    /// </summary>
    /// <param name="progress">Told (done, total) firms after each batch, for the command line's progress bar.</param>
    public Task RebuildAsync(CancellationToken ct, IProgress<(int Done, int Total)>? progress = null) => RebuildAsync(RebuildBatch, ct, progress);

    /// <param name="batch">Firms per page (tests use small pages to cross page boundaries with the demo's firms).</param>
    internal async Task RebuildAsync(int batch, CancellationToken ct, IProgress<(int Done, int Total)>? progress = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var publicScenarios = await scenarios.ListPublicAsync(ct);
        var total = (int)await enterprises.CountAsync(ct);
        var page = await enterprises.ListPageAsync(null, batch, ct);
        await engine.ReplaceAllAsync(publicScenarios.Select(ToDocument).ToList(), await DocumentsAsync(page, ct), ct);
        var done = page.Count;
        progress?.Report((done, Math.Max(done, total)));
        while (page.Count == batch)
        {
            page = await enterprises.ListPageAsync(page[^1].CreditCode, batch, ct);
            if (page.Count == 0) break;
            await engine.UpsertEnterprisesAsync(await DocumentsAsync(page, ct), ct);
            done += page.Count;
            progress?.Report((done, Math.Max(done, total)));
        }
        logger.LogInformation("Search index rebuilt: {Scenarios} scenarios, {Enterprises} enterprises in {Ms} ms",
            publicScenarios.Count, done, started.ElapsedMilliseconds);
        // The rebuild's pages and Lucene's merges grew the heap well past what the site keeps (about 170 MB committed
        // for 55 MB live over 100,000 firms), and the server GC holds on to that: give it back once, after a rare event.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private readonly SemaphoreSlim _rebuildForChange = new(1, 1);
    private IReadOnlySet<Guid> _coveredByLastRebuild = new HashSet<Guid>();

    /// <summary>
    /// Rebuilds for a change recorded by outbox message <paramref name="change"/> (a bulk import), unless a rebuild made
    /// for another such change already read it: <paramref name="pendingChanges"/> lists the messages committed before a
    /// rebuild starts, so their data is what the rebuild reads. An import of 100,000 firms right after another (the
    /// scale benchmark's demo and its firms) made two rebuilds of a minute and a half each; now the second is skipped.
    /// </summary>
    /// <returns>Whether this call rebuilt the index.</returns>
    public async Task<bool> RebuildForChangeAsync(Guid change, Func<CancellationToken, Task<IReadOnlySet<Guid>>> pendingChanges, CancellationToken ct)
    {
        await _rebuildForChange.WaitAsync(ct);
        try
        {
            if (_coveredByLastRebuild.Contains(change))
            {
                logger.LogInformation("Search index already rebuilt since change {Change}; nothing to do", change);
                return false;
            }
            var covered = await pendingChanges(ct);
            await RebuildAsync(ct);
            _coveredByLastRebuild = covered;
            return true;
        }
        finally
        {
            _rebuildForChange.Release();
        }
    }

    private async Task<List<EnterpriseDocument>> DocumentsAsync(IReadOnlyList<EnterpriseProfile> firms, CancellationToken ct)
    {
        var ids = firms.Select(f => f.Id).ToList();
        var experience = (await applications.ListExperienceAsync(ids, ct)).ToLookup(x => x.EnterpriseId);
        var lastAwards = await applications.ListLastAwardsAsync(ids, ct);
        return firms.Select(f => ToDocument(f, experience[f.Id].ToList(), lastAwards.TryGetValue(f.Id, out var at) ? at : null)).ToList();
    }

    /// <summary>True when the check at start could not reach the engine; <see cref="SearchIndexGuard"/> repeats it.</summary>
    public bool StartupCheckPending { get; private set; }

    /// <summary>
    /// The check at start, which must not keep the site from starting when the engine is away (Meilisearch down):
    /// everything but search works, search says it is unavailable, and the check is repeated until it succeeds.
    /// </summary>
    public async Task EnsureCurrentOrDeferAsync(CancellationToken ct)
    {
        try
        {
            await EnsureCurrentAsync(ct);
        }
        catch (SearchUnavailableException e)
        {
            StartupCheckPending = true;
            logger.LogWarning(e, "Search engine unavailable at start; the site runs without search until it answers");
        }
    }

    /// <summary>Rebuilds when the index was reset or disagrees with the database about how much it holds.</summary>
    public async Task EnsureCurrentAsync(CancellationToken ct)
    {
        var (indexedScenarios, indexedEnterprises) = await engine.CountAsync(ct);
        var reset = engine is LuceneSearchEngine { WasReset: true };
        var expectedScenarios = (await scenarios.ListPublicAsync(ct)).Count;
        var expectedEnterprises = await enterprises.CountAsync(ct);
        if (reset || indexedScenarios != expectedScenarios || indexedEnterprises != expectedEnterprises)
            await RebuildAsync(ct);
        StartupCheckPending = false;
    }

    public async Task IndexScenarioAsync(Guid id, CancellationToken ct)
    {
        var s = await scenarios.GetAsync(id, ct);
        if (s is null || !s.IsPublic) await engine.RemoveScenarioAsync(id, ct);
        else await engine.UpsertScenariosAsync([ToDocument(s)], ct);
    }

    public async Task IndexEnterpriseAsync(Guid id, CancellationToken ct)
    {
        if (await DocumentForEnterpriseAsync(id, ct) is { } doc) await engine.UpsertEnterprisesAsync([doc], ct);
    }

    /// <summary>A firm as the matcher sees it, read fresh from the database.</summary>
    public async Task<EnterpriseDocument?> DocumentForEnterpriseAsync(Guid id, CancellationToken ct)
    {
        var e = await enterprises.GetAsync(id, ct);
        return e is null ? null : ToDocument(e, await applications.ListExperienceAsync(id, ct), await applications.LastAwardedAtAsync(id, ct));
    }
}
