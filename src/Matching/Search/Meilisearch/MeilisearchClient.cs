using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Matching.Search.Meilisearch;

/// <summary>Section <c>Meilisearch</c>.</summary>
public sealed class MeilisearchOptions
{
    public const string Section = "Meilisearch";
    public string? Url { get; set; }
    /// <summary>Sent as <c>Authorization: Bearer</c>; the master key or a key with the needed actions.</summary>
    public string? ApiKey { get; set; }
    public string IndexPrefix { get; set; } = "marketplace_";
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// A typed client of the Meilisearch REST API (its .NET SDK is not available from our package source). Writes return
/// tasks; <see cref="WaitForTaskAsync"/> polls a task until it finishes and throws with the task's error object.
/// </summary>
public sealed class MeilisearchClient(HttpClient http)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, "health", null, ct);
            return true;
        }
        catch (Exception e) when (e is SearchUnavailableException or MeilisearchApiException)
        {
            return false;
        }
    }

    public Task<SummarizedTask> CreateIndexAsync(string uid, string primaryKey, CancellationToken ct) =>
        SendAsync<SummarizedTask>(HttpMethod.Post, "indexes", new IndexCreateRequest(uid, primaryKey), ct);

    public Task<SummarizedTask> UpdateSettingsAsync(string uid, IndexSettings settings, CancellationToken ct) =>
        SendAsync<SummarizedTask>(HttpMethod.Patch, $"indexes/{Esc(uid)}/settings", settings, ct);

    public Task<SummarizedTask> AddOrReplaceDocumentsAsync<T>(string uid, IReadOnlyCollection<T> documents, string primaryKey, CancellationToken ct) =>
        SendAsync<SummarizedTask>(HttpMethod.Post, $"indexes/{Esc(uid)}/documents?primaryKey={Esc(primaryKey)}", documents, ct);

    public Task<SummarizedTask> DeleteDocumentAsync(string uid, string documentId, CancellationToken ct) =>
        SendAsync<SummarizedTask>(HttpMethod.Delete, $"indexes/{Esc(uid)}/documents/{Esc(documentId)}", null, ct);

    public Task<SummarizedTask> DeleteAllDocumentsAsync(string uid, CancellationToken ct) =>
        SendAsync<SummarizedTask>(HttpMethod.Delete, $"indexes/{Esc(uid)}/documents", null, ct);

    public Task<TaskView> GetTaskAsync(long taskUid, CancellationToken ct) =>
        SendAsync<TaskView>(HttpMethod.Get, $"tasks/{taskUid}", null, ct);

    public Task<SearchResponse> SearchAsync(string uid, SearchRequest request, CancellationToken ct) =>
        SendAsync<SearchResponse>(HttpMethod.Post, $"indexes/{Esc(uid)}/search", request, ct);

    public Task<MultiSearchResponse> MultiSearchAsync(MultiSearchRequest request, CancellationToken ct) =>
        SendAsync<MultiSearchResponse>(HttpMethod.Post, "multi-search", request, ct);

    public Task<IndexStats> GetStatsAsync(string uid, CancellationToken ct) =>
        SendAsync<IndexStats>(HttpMethod.Get, $"indexes/{Esc(uid)}/stats", null, ct);

    public Task<ApiKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken ct) =>
        SendAsync<ApiKey>(HttpMethod.Post, "keys", request, ct);

    /// <summary>Polls the task with a growing interval until it succeeds; a failed or canceled task throws.</summary>
    public async Task<TaskView> WaitForTaskAsync(long taskUid, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var task = await GetTaskAsync(taskUid, ct);
            if (task.IsFinished)
                return task.Status == "succeeded" ? task : throw new MeilisearchTaskFailedException(task);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Meilisearch task {taskUid} still {task.Status} after {timeout}.");
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, body, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new InvalidOperationException($"Empty Meilisearch answer to {method} {path}.");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // Refused, unreachable or timed out: the server is away, which search pages report as such (503), not a bug.
            throw new SearchUnavailableException($"Meilisearch at {http.BaseAddress} is unreachable: {e.Message}", e);
        }
        if (response.IsSuccessStatusCode) return response;
        if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
        {
            response.Dispose();
            throw new SearchUnavailableException($"Meilisearch at {http.BaseAddress} answered {(int)response.StatusCode}.");
        }
        TaskError? error = null;
        try { error = await response.Content.ReadFromJsonAsync<TaskError>(Json, ct); }
        catch (JsonException) { /* not a Meilisearch error body */ }
        var status = (int)response.StatusCode;
        response.Dispose();
        throw new MeilisearchApiException(status, error ?? new TaskError(((HttpStatusCode)status).ToString(), "http_" + status, "internal", null));
    }

    private static string Esc(string s) => Uri.EscapeDataString(s);
}
