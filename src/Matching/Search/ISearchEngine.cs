using Marketplace.Matching.Documents;

namespace Marketplace.Matching.Search;

/// <param name="Audience">
/// Whom the results are for: the viewer's audience terms (<see cref="Documents.ScenarioAudience.ForViewer"/>). Left out,
/// only public scenarios are found — a list that forgets its viewer leaks nothing. Staff pass <see cref="ScenarioAudience.All"/>.
/// </param>
public sealed record ScenarioSearchQuery(string? Text, string? Category = null, bool OpenOnly = false, int Page = 1, int PageSize = 20,
    string? Domain = null, string? Technology = null, string? Location = null, string? Status = null,
    IReadOnlyList<string>? Audience = null, string? Sort = null)
{
    /// <summary>Deadline order: soonest first (the default without text), latest first, or none (relevance, the default with text).</summary>
    public ScenarioSort Order => Sort switch
    {
        ScenarioSorts.Deadline => ScenarioSort.DeadlineAscending,
        ScenarioSorts.Latest => ScenarioSort.DeadlineDescending,
        ScenarioSorts.Relevance when !string.IsNullOrWhiteSpace(Text) => ScenarioSort.Relevance,
        _ => string.IsNullOrWhiteSpace(Text) ? ScenarioSort.DeadlineAscending : ScenarioSort.Relevance,
    };

    /// <summary>The audience terms to filter on, or null when the viewer sees every scenario (staff).</summary>
    public IReadOnlyList<string>? AudienceFilter => ScenarioAudience.Resolve(Audience);
}

public enum ScenarioSort { Relevance, DeadlineAscending, DeadlineDescending }

/// <summary>The sort names lists accept in their query string.</summary>
public static class ScenarioSorts
{
    public const string Relevance = "relevance", Deadline = "deadline", Latest = "latest";
    public static readonly IReadOnlyList<string> All = [Relevance, Deadline, Latest];
}

public sealed record FacetCount(string Value, int Count);

/// <summary>The facets of scenario search and their field names in every engine.</summary>
public static class ScenarioFacets
{
    public const string Category = "category", Domain = "domain", Technology = "technology", Location = "location", Status = "status";
    public static readonly IReadOnlyList<string> All = [Category, Domain, Technology, Location, Status];
}

public static class EnterpriseFacets
{
    public const string Region = "region", Industry = "industry", Technology = "technology", Qualification = "qualification";
    public static readonly IReadOnlyList<string> All = [Region, Industry, Technology, Qualification];
}

/// <param name="Sort">"capital": registered capital, largest first; otherwise relevance (index order without text).</param>
public sealed record EnterpriseSearchQuery(string? Text, string? Region = null, string? Industry = null, string? Technology = null,
    string? Qualification = null, int Page = 1, int PageSize = 20, string? Sort = null)
{
    public const string ByCapital = "capital";
    public bool SortByCapital => Sort == ByCapital;
}

public sealed record EnterpriseHit(Guid Id, string Name, string Region, string Industry, IReadOnlyList<string> Qualifications,
    IReadOnlyList<string> Technologies, string NameHtml, string SnippetHtml, float Score);

public sealed record EnterpriseSearchResult(IReadOnlyList<EnterpriseHit> Hits, int Total, IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets);

public sealed record ScenarioHit(
    Guid Id, string Code, string Title, string Category, string Domain, string Location, string Status,
    DateTimeOffset ClosesAt, IReadOnlyList<string> Technologies, string TitleHtml, string SnippetHtml, float Score);

/// <param name="CategoryCounts">Per category, for the query without the category filter (the tabs above results).</param>
/// <param name="Facets">Value counts of every facet for the query with all filters applied.</param>
public sealed record ScenarioSearchResult(
    IReadOnlyList<ScenarioHit> Hits, int Total, IReadOnlyDictionary<string, int> CategoryCounts,
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets);

/// <summary>
/// Hard rules a firm must meet before it may even be a candidate: the values the scenario module states for a scenario
/// (its <c>EligibilityTerms</c>), received as data. The engines turn them into index filters; <see cref="Admits"/>
/// applies them to a document. A property test holds both to the scenario module's own check.
/// </summary>
/// <param name="ClosingDay">A firm suspended on this day (the scenario's deadline, Beijing date) is not a candidate.</param>
/// <param name="WinnersAwardedAfter">A firm whose last award is later than this is not a candidate (recent winners excluded).</param>
public sealed record EligibilityRules(IReadOnlyList<string> RequiredQualifications, decimal MinRegisteredCapitalWan, IReadOnlyList<string> AllowedRegionPrefixes,
    DateOnly? ClosingDay = null, DateTimeOffset? WinnersAwardedAfter = null)
{
    public static readonly EligibilityRules None = new([], 0, []);

    /// <summary>A scenario's rules, as its document carries them.</summary>
    public static EligibilityRules For(ScenarioDocument s) => s.Rules;

    public int ClosingDayNumber => ClosingDay is { } d ? d.Year * 10000 + d.Month * 100 + d.Day : 0;

    public long WinnersAwardedAfterMicros => EnterpriseDocument.ToMicros(WinnersAwardedAfter);

    public bool Admits(EnterpriseDocument e) =>
        (ClosingDay is null || e.SuspendedUntil is null || e.SuspendedUntil < ClosingDay)
        && (WinnersAwardedAfter is null || e.LastAwardedAt is null || e.LastAwardedMicros <= WinnersAwardedAfterMicros)
        && RequiredQualifications.All(q => e.Qualifications.Contains(q))
        && e.RegisteredCapitalWan >= MinRegisteredCapitalWan
        && (AllowedRegionPrefixes.Count == 0 || AllowedRegionPrefixes.Any(p => e.Region.StartsWith(p, StringComparison.Ordinal)));
}

/// <summary>Free text and technology tags to retrieve enterprises by, under hard eligibility rules.</summary>
/// <param name="Core">What the scenario asks for (its title, summary and technologies): the words that also count in
/// a firm's past cases when several of them occur there. Null takes every word of the query.</param>
public sealed record EnterpriseRetrievalQuery(
    string Title, string Text, IReadOnlyList<string> Technologies, EligibilityRules Rules, int Limit, string? Core = null);

public sealed record EnterpriseCandidate(EnterpriseDocument Enterprise, float TextScore);

/// <summary>A firm's capability text and technologies to retrieve open scenarios by.</summary>
/// <param name="Audience">The viewer's audience terms (<see cref="Documents.ScenarioAudience.ForViewer"/>); left out, public
/// scenarios only; <see cref="ScenarioAudience.All"/> for staff.</param>
public sealed record ScenarioRetrievalQuery(string Text, IReadOnlyList<string> Technologies, int Limit, IReadOnlyList<string>? Audience = null)
{
    public IReadOnlyList<string>? AudienceFilter => ScenarioAudience.Resolve(Audience);
}

public sealed record ScenarioCandidate(ScenarioDocument Scenario, float TextScore);

/// <summary>
/// The search engine behind the site and the matcher. Two implementations: Lucene.Net embedded (default) and
/// Meilisearch over HTTP; one contract test suite runs against both.
/// </summary>
public interface ISearchEngine
{
    Task UpsertScenariosAsync(IReadOnlyCollection<ScenarioDocument> scenarios, CancellationToken ct);
    Task RemoveScenarioAsync(Guid id, CancellationToken ct);
    Task UpsertEnterprisesAsync(IReadOnlyCollection<EnterpriseDocument> enterprises, CancellationToken ct);
    Task ReplaceAllAsync(IReadOnlyCollection<ScenarioDocument> scenarios, IReadOnlyCollection<EnterpriseDocument> enterprises, CancellationToken ct);
    Task<ScenarioSearchResult> SearchScenariosAsync(ScenarioSearchQuery query, CancellationToken ct);
    /// <summary>The public capability list (能力清单): firms by text, with facets and highlighting.</summary>
    Task<EnterpriseSearchResult> SearchEnterprisesAsync(EnterpriseSearchQuery query, CancellationToken ct);
    Task<IReadOnlyList<EnterpriseCandidate>> RetrieveEnterprisesAsync(EnterpriseRetrievalQuery query, CancellationToken ct);
    Task<EnterpriseDocument?> GetEnterpriseAsync(Guid id, CancellationToken ct);
    /// <summary>Open scenarios (published, deadline ahead) whose text fits a firm's capabilities.</summary>
    Task<IReadOnlyList<ScenarioCandidate>> RetrieveScenariosAsync(ScenarioRetrievalQuery query, CancellationToken ct);
    Task<(int Scenarios, int Enterprises)> CountAsync(CancellationToken ct);

    /// <summary>
    /// Changes whenever a search could answer differently (a write became visible, the index was rebuilt); null when
    /// the engine cannot tell, and then answers built on its results are not kept.
    /// </summary>
    string? AnswerVersion { get; }
}
