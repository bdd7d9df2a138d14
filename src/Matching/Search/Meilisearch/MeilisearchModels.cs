using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Matching.Search.Meilisearch;

// The shapes of the Meilisearch HTTP API (OpenAPI 1.53) that the client uses. Names follow the API's camelCase.

public sealed record IndexCreateRequest(string Uid, string? PrimaryKey);

/// <summary>What an asynchronous write returns at once (202): a task to wait for.</summary>
public sealed record SummarizedTask(long TaskUid, string? IndexUid, string Status, string Type, DateTimeOffset EnqueuedAt);

public sealed record TaskError(string Message, string Code, string Type, string? Link);

public sealed record TaskView(
    long Uid, string? IndexUid, string Status, string Type, TaskError? Error, string? Duration,
    DateTimeOffset EnqueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public bool IsFinished => Status is "succeeded" or "failed" or "canceled";
}

public sealed record LocalizedAttributes(string[] AttributePatterns, string[] Locales);

/// <summary>Index settings (PATCH /indexes/{uid}/settings). Null members are left as they are.</summary>
public sealed record IndexSettings
{
    public string[]? SearchableAttributes { get; init; }
    public string[]? FilterableAttributes { get; init; }
    public string[]? SortableAttributes { get; init; }
    public string[]? DisplayedAttributes { get; init; }
    public string[]? RankingRules { get; init; }
    public Dictionary<string, string[]>? Synonyms { get; init; }
    public LocalizedAttributes[]? LocalizedAttributes { get; init; }
}

public sealed record SearchRequest
{
    public string? Q { get; init; }
    public int? Offset { get; init; }
    public int? Limit { get; init; }
    public string? Filter { get; init; }
    public string[]? Facets { get; init; }
    public string[]? Sort { get; init; }
    public string[]? AttributesToHighlight { get; init; }
    public string? HighlightPreTag { get; init; }
    public string? HighlightPostTag { get; init; }
    public bool? ShowRankingScore { get; init; }
    /// <summary>"last", "all" or "frequency": how many query words a document must contain.</summary>
    public string? MatchingStrategy { get; init; }
    public string[]? Locales { get; init; }
}

/// <summary>One query of a multi-search: a search request plus the index it runs on.</summary>
public sealed record MultiSearchQuery
{
    public required string IndexUid { get; init; }
    public string? Q { get; init; }
    public int? Limit { get; init; }
    public string? Filter { get; init; }
    public bool? ShowRankingScore { get; init; }
}

public sealed record MultiSearchRequest(IReadOnlyList<MultiSearchQuery> Queries);

public sealed record SearchResponse
{
    public List<JsonElement> Hits { get; init; } = [];
    public int? EstimatedTotalHits { get; init; }
    public int? TotalHits { get; init; }
    public Dictionary<string, Dictionary<string, int>>? FacetDistribution { get; init; }
    public int ProcessingTimeMs { get; init; }
    public string? Query { get; init; }

    [JsonIgnore] public int Total => TotalHits ?? EstimatedTotalHits ?? Hits.Count;
}

public sealed record MultiSearchResponse(List<SearchResponse> Results);

public sealed record IndexStats(long NumberOfDocuments, bool IsIndexing);

/// <summary>POST /keys. <c>expiresAt</c> is required by the API even when null (a key that never expires).</summary>
public sealed record CreateKeyRequest(
    string? Name, string? Description, string[] Actions, string[] Indexes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ExpiresAt);

public sealed record ApiKey(string Key, string Uid, string? Name, string[] Actions, string[] Indexes, DateTimeOffset? ExpiresAt);

/// <summary>An error answer of the API (its <c>ResponseError</c> object).</summary>
public sealed class MeilisearchApiException(int status, TaskError error)
    : Exception($"Meilisearch {status} {error.Code}: {error.Message}")
{
    public int Status { get; } = status;
    public TaskError Error { get; } = error;
}

public sealed class MeilisearchTaskFailedException(TaskView task)
    : Exception($"Meilisearch task {task.Uid} ({task.Type}) {task.Status}: {task.Error?.Code} {task.Error?.Message}")
{
    public TaskView Task { get; } = task;
}
