using System.Globalization;
using System.Net;
using System.Text.Json;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.Matching.Search.Meilisearch;

/// <summary>
/// The shared-index engine for several web nodes: the same contract as the Lucene engine over Meilisearch's REST API.
/// Every write waits for its task, so a change is searchable when the call returns (as with Lucene).
/// </summary>
public sealed class MeilisearchSearchEngine(MeilisearchClient client, Thesaurus thesaurus, IOptions<MeilisearchOptions> options, TimeProvider clock)
    : ISearchEngine
{
    private const string MarkOpen = "\u0001";
    private const string MarkClose = "\u0002";
    private static readonly string[] ChineseLocales = ["cmn"];
    private readonly SemaphoreSlim _setup = new(1, 1);
    private bool _ready;

    private string ScenarioIndex => options.Value.IndexPrefix + "scenarios";
    private string EnterpriseIndex => options.Value.IndexPrefix + "enterprises";

    // ---- documents as Meilisearch stores them ---------------------------------------------------------------

    internal sealed record ScenarioDoc(
        string Id, string Code, string Title, string Summary, string Description, string Category, string Domain, string Location,
        IReadOnlyList<string> Technologies, string Status, long ClosesAt, IReadOnlyList<string>? RequiredQualifications = null,
        double MinRegisteredCapitalWan = 0, IReadOnlyList<string>? AllowedRegions = null, IReadOnlyList<string>? Audience = null,
        int SuspensionDay = -1, long WinnersAwardedAfter = 0);

    internal sealed record EnterpriseDoc(
        string Id, string Name, string Industry, string Region, IReadOnlyList<string> RegionPrefixes, IReadOnlyList<string> Qualifications,
        double Capital, int Employees, IReadOnlyList<string> Technologies, string Description, IReadOnlyList<string> Cases,
        IReadOnlyList<string> ExperienceDomains, int OpenApplications, bool PublicCard = true, int SuspendedUntil = 0, long LastAwardedAt = 0);

    internal static ScenarioDoc ToDoc(ScenarioDocument s) => new(
        s.Id.ToString(), s.Code, s.Title, s.Summary, s.Description, s.Category, s.Domain, s.Location, s.Technologies, s.Status,
        s.ClosesAt.ToUnixTimeSeconds(), s.RequiredQualifications, (double)s.MinRegisteredCapitalWan, s.AllowedRegions, s.AudienceOrPublic,
        s.SuspensionDay is { } day ? day.DayNumber : -1, EnterpriseDocument.ToMicros(s.WinnersAwardedAfter));

    private static ScenarioDocument FromDoc(ScenarioDoc d) => new(
        Guid.Parse(d.Id), d.Code, d.Title, d.Summary, d.Description, d.Category, d.Domain, d.Location, d.Technologies, d.Status,
        DateTimeOffset.FromUnixTimeSeconds(d.ClosesAt), d.RequiredQualifications ?? [], (decimal)d.MinRegisteredCapitalWan, d.AllowedRegions ?? [], d.Audience,
        d.SuspensionDay >= 0 ? DateOnly.FromDayNumber(d.SuspensionDay) : null, EnterpriseDocument.FromMicros(d.WinnersAwardedAfter));

    /// <summary>
    /// Documents indexed before scenarios had an audience were all public: a missing field counts as public, so an
    /// upgrade does not hide them before the next reindex.
    /// </summary>
    internal static string AudienceFilter(IReadOnlyList<string> audience) =>
        $"(audience IN [{string.Join(", ", audience.Select(Quote))}]" + (audience.Contains(ScenarioAudience.Public) ? " OR audience NOT EXISTS)" : ")");

    /// <summary>Every prefix of a region ("北三县", "北三县·三河市"), so a region rule is an exact-match filter.</summary>
    internal static IReadOnlyList<string> RegionPrefixes(string region)
    {
        var parts = region.Split('·');
        return Enumerable.Range(1, parts.Length).Select(n => string.Join('·', parts.Take(n))).ToList();
    }

    internal static EnterpriseDoc ToDoc(EnterpriseDocument e) => new(
        e.Id.ToString(), e.Name, e.Industry, e.Region, RegionPrefixes(e.Region), e.Qualifications, (double)e.RegisteredCapitalWan,
        e.Employees, e.Technologies, e.Description, e.Cases, e.ExperienceDomains, e.OpenApplications, e.PublicCard, e.SuspendedUntilDay,
        e.LastAwardedMicros);

    private static EnterpriseDocument FromDoc(EnterpriseDoc d) => new(
        Guid.Parse(d.Id), d.Name, d.Industry, d.Region, d.Qualifications, (decimal)d.Capital, d.Employees, d.Technologies,
        d.Description, d.Cases, d.ExperienceDomains, d.OpenApplications, d.PublicCard, EnterpriseDocument.FromDay(d.SuspendedUntil),
        EnterpriseDocument.FromMicros(d.LastAwardedAt));

    // ---- set-up -----------------------------------------------------------------------------------------------

    internal Dictionary<string, string[]> Synonyms()
    {
        var map = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in thesaurus.Groups)
            foreach (var term in group)
                map[term] = [.. (map.GetValueOrDefault(term) ?? []).Concat(group.Where(t => !t.Equals(term, StringComparison.OrdinalIgnoreCase))).Distinct()];
        return map;
    }

    // Meilisearch's own rules, then the id: equally-ranked results come in the same order on every node and after a
    // rebuild, as with the Lucene engine (the id's text sorts like the key Lucene breaks ties with).
    private static readonly string[] RankingRules = ["words", "typo", "proximity", "attribute", "sort", "exactness", "id:asc"];

    internal IndexSettings ScenarioSettings() => new()
    {
        RankingRules = RankingRules,
        SearchableAttributes = ["title", "technologies", "summary", "domain", "location", "description"],
        FilterableAttributes = ["id", "category", "domain", "location", "technologies", "status", "closesAt", "audience"],
        DisplayedAttributes = ["*"],
        SortableAttributes = ["closesAt"],
        Synonyms = Synonyms(),
        LocalizedAttributes = [new(["title", "summary", "description", "domain", "location", "technologies"], ChineseLocales)],
    };

    internal IndexSettings EnterpriseSettings() => new()
    {
        RankingRules = RankingRules,
        SearchableAttributes = ["technologies", "description", "cases", "name", "experienceDomains"],
        FilterableAttributes = ["id", "qualifications", "capital", "regionPrefixes", "industry", "technologies", "publicCard", "suspendedUntil", "lastAwardedAt"],
        SortableAttributes = ["capital"],
        DisplayedAttributes = ["*"],
        Synonyms = Synonyms(),
        LocalizedAttributes = [new(["name", "description", "cases", "technologies", "experienceDomains"], ChineseLocales)],
    };

    private async Task EnsureIndexesAsync(CancellationToken ct)
    {
        if (_ready) return;
        await _setup.WaitAsync(ct);
        try
        {
            if (_ready) return;
            foreach (var (uid, settings) in new[] { (ScenarioIndex, ScenarioSettings()), (EnterpriseIndex, EnterpriseSettings()) })
            {
                try { await WaitAsync(await client.CreateIndexAsync(uid, "id", ct), ct); }
                catch (MeilisearchTaskFailedException e) when (e.Task.Error?.Code == "index_already_exists") { }
                await WaitAsync(await client.UpdateSettingsAsync(uid, settings, ct), ct);
            }
            _ready = true;
        }
        finally { _setup.Release(); }
    }

    private Task<TaskView> WaitAsync(SummarizedTask task, CancellationToken ct) =>
        client.WaitForTaskAsync(task.TaskUid, options.Value.TaskTimeout, ct);

    // ---- writing ----------------------------------------------------------------------------------------------

    public async Task UpsertScenariosAsync(IReadOnlyCollection<ScenarioDocument> scenarios, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        if (scenarios.Count > 0) await WaitAsync(await client.AddOrReplaceDocumentsAsync(ScenarioIndex, scenarios.Select(ToDoc).ToList(), "id", ct), ct);
    }

    public async Task RemoveScenarioAsync(Guid id, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        await WaitAsync(await client.DeleteDocumentAsync(ScenarioIndex, id.ToString(), ct), ct);
    }

    public async Task UpsertEnterprisesAsync(IReadOnlyCollection<EnterpriseDocument> enterprises, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        foreach (var batch in enterprises.Select(ToDoc).Chunk(5000))
            await WaitAsync(await client.AddOrReplaceDocumentsAsync(EnterpriseIndex, batch, "id", ct), ct);
    }

    public async Task ReplaceAllAsync(IReadOnlyCollection<ScenarioDocument> scenarios, IReadOnlyCollection<EnterpriseDocument> enterprises, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        await WaitAsync(await client.DeleteAllDocumentsAsync(ScenarioIndex, ct), ct);
        await WaitAsync(await client.DeleteAllDocumentsAsync(EnterpriseIndex, ct), ct);
        await UpsertScenariosAsync(scenarios, ct);
        await UpsertEnterprisesAsync(enterprises, ct);
    }

    // Meilisearch applies writes as tasks on the server, so this process cannot tell when its answers change.
    public string? AnswerVersion => null;

    public async Task<(int Scenarios, int Enterprises)> CountAsync(CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        var s = await client.GetStatsAsync(ScenarioIndex, ct);
        var e = await client.GetStatsAsync(EnterpriseIndex, ct);
        return ((int)s.NumberOfDocuments, (int)e.NumberOfDocuments);
    }

    // ---- searching --------------------------------------------------------------------------------------------

    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    internal SearchRequest ScenarioRequest(ScenarioSearchQuery q, bool withCategory, bool countsOnly)
    {
        var filters = new List<string>();
        if (q.OpenOnly) filters.Add($"status = \"published\" AND closesAt > {clock.GetUtcNow().ToUnixTimeSeconds()}");
        if (withCategory && !string.IsNullOrEmpty(q.Category)) filters.Add($"category = {Quote(q.Category)}");
        if (!string.IsNullOrEmpty(q.Domain)) filters.Add($"domain = {Quote(q.Domain)}");
        if (!string.IsNullOrEmpty(q.Location)) filters.Add($"location = {Quote(q.Location)}");
        if (!string.IsNullOrEmpty(q.Status)) filters.Add($"status = {Quote(q.Status)}");
        if (!string.IsNullOrEmpty(q.Technology)) filters.Add($"technologies = {Quote(q.Technology)}");
        if (q.AudienceFilter is { } audience) filters.Add(AudienceFilter(audience));
        var size = Math.Clamp(q.PageSize, 1, 100);
        var text = string.IsNullOrWhiteSpace(q.Text) ? null : q.Text.Trim();
        return new SearchRequest
        {
            Q = text,
            Filter = filters.Count == 0 ? null : string.Join(" AND ", filters),
            Offset = countsOnly ? 0 : (Math.Max(1, q.Page) - 1) * size,
            Limit = countsOnly ? 0 : size,
            Facets = countsOnly ? ["category"] : [.. ScenarioFacetAttributes.Values],
            Sort = countsOnly ? null : q.Order switch
            {
                ScenarioSort.DeadlineAscending => ["closesAt:asc"],
                ScenarioSort.DeadlineDescending => ["closesAt:desc"],
                _ => null,
            },
            AttributesToHighlight = countsOnly ? null : ["title", "summary"],
            HighlightPreTag = MarkOpen,
            HighlightPostTag = MarkClose,
            ShowRankingScore = countsOnly ? null : true,
            Locales = ChineseLocales,
        };
    }

    public async Task<ScenarioSearchResult> SearchScenariosAsync(ScenarioSearchQuery q, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        var page = await client.SearchAsync(ScenarioIndex, ScenarioRequest(q, withCategory: true, countsOnly: false), ct);
        var facets = await client.SearchAsync(ScenarioIndex, ScenarioRequest(q, withCategory: false, countsOnly: true), ct);
        var counts = new[] { "smart-city", "cultural-tourism", "livable-city" }.ToDictionary(
            c => c, c => facets.FacetDistribution?.GetValueOrDefault("category")?.GetValueOrDefault(c) ?? 0);
        var hits = page.Hits.Select(h =>
        {
            var d = h.Deserialize<ScenarioDoc>(MeilisearchClient.Json)!;
            var formatted = h.TryGetProperty("_formatted", out var f) ? f.Deserialize<ScenarioDoc>(MeilisearchClient.Json) : null;
            var score = h.TryGetProperty("_rankingScore", out var r) ? (float)r.GetDouble() : 0f;
            return new ScenarioHit(Guid.Parse(d.Id), d.Code, d.Title, d.Category, d.Domain, d.Location, d.Status,
                DateTimeOffset.FromUnixTimeSeconds(d.ClosesAt), d.Technologies,
                Marked(formatted?.Title ?? d.Title, int.MaxValue), Marked(formatted?.Summary ?? d.Summary, 120), score);
        }).ToList();
        return new ScenarioSearchResult(hits, page.Total, counts, FacetsOf(page, ScenarioFacetAttributes));
    }

    private static readonly Dictionary<string, string> ScenarioFacetAttributes = new()
    {
        [ScenarioFacets.Category] = "category", [ScenarioFacets.Domain] = "domain", [ScenarioFacets.Technology] = "technologies",
        [ScenarioFacets.Location] = "location", [ScenarioFacets.Status] = "status",
    };

    private static readonly Dictionary<string, string> EnterpriseFacetAttributes = new()
    {
        [EnterpriseFacets.Region] = "regionPrefixes", [EnterpriseFacets.Industry] = "industry",
        [EnterpriseFacets.Technology] = "technologies", [EnterpriseFacets.Qualification] = "qualifications",
    };

    private static Dictionary<string, IReadOnlyList<FacetCount>> FacetsOf(SearchResponse response, Dictionary<string, string> attributes) =>
        attributes.ToDictionary(a => a.Key, a => (IReadOnlyList<FacetCount>)(response.FacetDistribution?.GetValueOrDefault(a.Value) ?? [])
            // regionPrefixes holds "北三县" and "北三县·三河市": the facet groups by the first part only.
            .Where(kv => a.Key != EnterpriseFacets.Region || !kv.Key.Contains('·'))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new FacetCount(kv.Key, kv.Value)).ToList());

    public async Task<EnterpriseSearchResult> SearchEnterprisesAsync(EnterpriseSearchQuery q, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        var filters = new List<string> { "publicCard = true" };
        if (!string.IsNullOrEmpty(q.Region)) filters.Add($"regionPrefixes = {Quote(q.Region)}");
        if (!string.IsNullOrEmpty(q.Industry)) filters.Add($"industry = {Quote(q.Industry)}");
        if (!string.IsNullOrEmpty(q.Technology)) filters.Add($"technologies = {Quote(q.Technology)}");
        if (!string.IsNullOrEmpty(q.Qualification)) filters.Add($"qualifications = {Quote(q.Qualification)}");
        var size = Math.Clamp(q.PageSize, 1, 100);
        var response = await client.SearchAsync(EnterpriseIndex, new SearchRequest
        {
            Q = string.IsNullOrWhiteSpace(q.Text) ? null : q.Text.Trim(),
            Filter = string.Join(" AND ", filters),
            Offset = (Math.Max(1, q.Page) - 1) * size,
            Limit = size,
            Facets = [.. EnterpriseFacetAttributes.Values],
            Sort = q.SortByCapital ? ["capital:desc"] : null,
            AttributesToHighlight = ["name", "description"],
            HighlightPreTag = MarkOpen,
            HighlightPostTag = MarkClose,
            ShowRankingScore = true,
            Locales = ChineseLocales,
        }, ct);
        var hits = response.Hits.Select(h =>
        {
            var d = h.Deserialize<EnterpriseDoc>(MeilisearchClient.Json)!;
            var f = h.TryGetProperty("_formatted", out var fe) ? fe.Deserialize<EnterpriseDoc>(MeilisearchClient.Json) : null;
            var score = h.TryGetProperty("_rankingScore", out var r) ? (float)r.GetDouble() : 0f;
            return new EnterpriseHit(Guid.Parse(d.Id), d.Name, d.Region, d.Industry, d.Qualifications, d.Technologies,
                Marked(f?.Name ?? d.Name, int.MaxValue), Marked(f?.Description ?? d.Description, 120), score);
        }).ToList();
        return new EnterpriseSearchResult(hits, response.Total, FacetsOf(response, EnterpriseFacetAttributes));
    }

    /// <summary>Meilisearch returns highlights unescaped: encode the text, then turn the markers into &lt;mark&gt;.</summary>
    internal static string Marked(string formatted, int maxLength)
    {
        var text = formatted.Length > maxLength ? formatted[..maxLength] + "…" : formatted;
        // A cut may leave a highlight open: close it so the markup stays balanced.
        if (text.Count(c => c == MarkOpen[0]) > text.Count(c => c == MarkClose[0])) text += MarkClose;
        return WebUtility.HtmlEncode(text).Replace(MarkOpen, "<mark>").Replace(MarkClose, "</mark>");
    }

    internal static string EligibilityFilter(EligibilityRules rules)
    {
        var parts = new List<string>();
        parts.AddRange(rules.RequiredQualifications.Select(q => $"qualifications = {Quote(q)}"));
        if (rules.MinRegisteredCapitalWan > 0)
            parts.Add($"capital >= {((double)rules.MinRegisteredCapitalWan).ToString(CultureInfo.InvariantCulture)}");
        if (rules.AllowedRegionPrefixes.Count > 0)
            parts.Add($"regionPrefixes IN [{string.Join(", ", rules.AllowedRegionPrefixes.Select(Quote))}]");
        if (rules.ClosingDay is not null) parts.Add($"(suspendedUntil NOT EXISTS OR suspendedUntil < {rules.ClosingDayNumber})");
        // Documents indexed before awards were recorded lack the field; the recommender checks every candidate again.
        if (rules.WinnersAwardedAfter is not null)
            parts.Add($"(lastAwardedAt NOT EXISTS OR lastAwardedAt <= {rules.WinnersAwardedAfterMicros.ToString(CultureInfo.InvariantCulture)})");
        return string.Join(" AND ", parts);
    }

    /// <summary>
    /// Meilisearch reads only the first ten words of a query, so a scenario becomes its technologies and the words of its
    /// title, most specific first; "frequency" matching lets documents that miss common words still match.
    /// </summary>
    internal static string RetrievalText(EnterpriseRetrievalQuery q)
    {
        var words = q.Technologies.Concat(ChineseAnalysis.Terms(ChineseAnalysis.Words, q.Title).Where(w => w.Length >= 2))
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(10);
        return string.Join(' ', words);
    }

    public async Task<IReadOnlyList<EnterpriseCandidate>> RetrieveEnterprisesAsync(EnterpriseRetrievalQuery q, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        var filter = EligibilityFilter(q.Rules);
        var response = await client.SearchAsync(EnterpriseIndex, new SearchRequest
        {
            Q = RetrievalText(q),
            Filter = filter.Length == 0 ? null : filter,
            Limit = Math.Clamp(q.Limit, 1, 1000),
            ShowRankingScore = true,
            MatchingStrategy = "frequency",
            Locales = ChineseLocales,
        }, ct);
        return response.Hits.Select(h => new EnterpriseCandidate(
            FromDoc(h.Deserialize<EnterpriseDoc>(MeilisearchClient.Json)!),
            h.TryGetProperty("_rankingScore", out var r) ? (float)r.GetDouble() : 0f)).ToList();
    }

    public async Task<IReadOnlyList<ScenarioCandidate>> RetrieveScenariosAsync(ScenarioRetrievalQuery q, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        var words = q.Technologies.Concat(ChineseAnalysis.Terms(ChineseAnalysis.Words, q.Text).Where(w => w.Length >= 2))
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(10);
        var response = await client.SearchAsync(ScenarioIndex, new SearchRequest
        {
            Q = string.Join(' ', words),
            Filter = $"status = \"published\" AND closesAt > {clock.GetUtcNow().ToUnixTimeSeconds()}"
                + (q.AudienceFilter is { } audience ? " AND " + AudienceFilter(audience) : ""),
            Limit = Math.Clamp(q.Limit, 1, 1000),
            ShowRankingScore = true,
            MatchingStrategy = "frequency",
            Locales = ChineseLocales,
        }, ct);
        return response.Hits.Select(h => new ScenarioCandidate(
            FromDoc(h.Deserialize<ScenarioDoc>(MeilisearchClient.Json)!),
            h.TryGetProperty("_rankingScore", out var r) ? (float)r.GetDouble() : 0f)).ToList();
    }

    public async Task<EnterpriseDocument?> GetEnterpriseAsync(Guid id, CancellationToken ct)
    {
        await EnsureIndexesAsync(ct);
        var response = await client.SearchAsync(EnterpriseIndex, new SearchRequest { Filter = $"id = {Quote(id.ToString())}", Limit = 1 }, ct);
        return response.Hits.Count == 0 ? null : FromDoc(response.Hits[0].Deserialize<EnterpriseDoc>(MeilisearchClient.Json)!);
    }
}
