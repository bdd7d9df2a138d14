using System.Net;
using System.Text;

namespace Marketplace.IntegrationTests.Search;

/// <summary>
/// Stands where the Meilisearch server would: checks every request against the OpenAPI description and answers with
/// the description's example (or a test's own answer for a path). Records what was asked.
/// </summary>
public sealed class SpecCheckingHandler(OpenApiSpec spec) : HttpMessageHandler
{
    public List<(HttpMethod Method, string Path, string? Body)> Requests { get; } = [];
    public List<string> Problems { get; } = [];
    public Dictionary<string, Func<string>> Answers { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        var uri = request.RequestUri!;
        Requests.Add((request.Method, uri.AbsolutePath, body));
        Problems.AddRange(spec.Check(request.Method, uri, body).Select(p => $"{request.Method} {uri.PathAndQuery}: {p}"));
        if (!request.Headers.TryGetValues("Authorization", out var auth) || !auth.Single().StartsWith("Bearer "))
            Problems.Add($"{request.Method} {uri.AbsolutePath}: no bearer key");

        var key = $"{request.Method} {uri.AbsolutePath}";
        if (Answers.TryGetValue(key, out var answer)) return Json(HttpStatusCode.OK, answer());
        var op = spec.Find(request.Method, uri.AbsolutePath);
        if (op is null) return new HttpResponseMessage(HttpStatusCode.NotFound);
        var (status, json) = spec.ExampleResponse(op);
        return Json(status, json);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
