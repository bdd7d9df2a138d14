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

    /// <param name="progress">Told (done, total) firms after each batch, for the command line's progress bar.</param>
    public async Task RebuildAsync(CancellationToken ct, IProgress<(int Done, int Total)>? progress = null)
    {
        const int batch = 5_000;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var publicScenarios = await scenarios.ListPublicAsync(ct);
        var firms = await enterprises.ListAllAsync(ct);
        var experience = (await applications.ListExperienceAsync(null, ct)).ToLookup(x => x.EnterpriseId);
        var lastAwards = await applications.ListLastAwardsAsync(ct);
        // Documents are made a batch at a time: holding all of them next to the profiles doubled the rebuild's memory.
        List<EnterpriseDocument> Documents(int skip) => firms.Skip(skip).Take(batch)
            .Select(f => ToDocument(f, experience[f.Id].ToList(), lastAwards.TryGetValue(f.Id, out var at) ? at : null)).ToList();
        await engine.ReplaceAllAsync(publicScenarios.Select(ToDocument).ToList(), Documents(0), ct);
        progress?.Report((Math.Min(batch, firms.Count), firms.Count));
        for (var done = batch; done < firms.Count; done += batch)
        {
            await engine.UpsertEnterprisesAsync(Documents(done), ct);
            progress?.Report((Math.Min(done + batch, firms.Count), firms.Count));
        }
        logger.LogInformation("Search index rebuilt: {Scenarios} scenarios, {Enterprises} enterprises in {Ms} ms",
            publicScenarios.Count, firms.Count, started.ElapsedMilliseconds);
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
