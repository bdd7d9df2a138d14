using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Marketplace.IntegrationTests.Support;

namespace Marketplace.IntegrationTests.Search;

/// <summary>
/// The official Meilisearch OpenAPI description, used to check each request the client builds (path, method, query
/// parameters, body against the operation's schema) and to answer with the operation's own example responses.
/// </summary>
public sealed class OpenApiSpec
{
    private readonly JsonElement _root;
    private readonly string _defs;
    private readonly Dictionary<string, JsonSchema> _schemas = new();

    private OpenApiSpec(JsonElement root)
    {
        _root = root;
        var schemas = JsonNode.Parse(root.GetProperty("components").GetProperty("schemas").GetRawText())!.AsObject();
        // The description renders AttributePatterns (a Rust newtype) as {"patterns": [...]}, but the server reads and its
        // own prose shows a plain list of patterns ("title", "dogs.*", "*"). Check against the wire format.
        schemas["AttributePatterns"] = JsonNode.Parse("""{"type":"array","items":{"type":"string"}}""");
        _defs = schemas.ToJsonString().Replace("#/components/schemas/", "#/$defs/");
    }

    public static OpenApiSpec Load() =>
        new(JsonDocument.Parse(File.ReadAllText(SharedFiles.Path(SharedFiles.MeilisearchSpec.Split('/'))!)).RootElement.Clone());

    public sealed record Operation(string Template, string Method, JsonElement Definition);

    public Operation? Find(HttpMethod method, string path)
    {
        foreach (var p in _root.GetProperty("paths").EnumerateObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+}", "[^/]+") + "$";
            if (!Regex.IsMatch(path, pattern)) continue;
            if (p.Value.TryGetProperty(method.Method.ToLowerInvariant(), out var op)) return new Operation(p.Name, method.Method, op);
        }
        return null;
    }

    /// <summary>Every way the request departs from the description; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(HttpMethod method, Uri uri, string? body)
    {
        var problems = new List<string>();
        var op = Find(method, uri.AbsolutePath);
        if (op is null) return [$"{method} {uri.AbsolutePath} is not an operation of the API"];

        var known = op.Definition.TryGetProperty("parameters", out var ps)
            ? ps.EnumerateArray().Where(x => x.GetProperty("in").GetString() == "query").Select(x => x.GetProperty("name").GetString()!).ToHashSet()
            : [];
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(pair.Split('=')[0]);
            if (!known.Contains(name)) problems.Add($"query parameter '{name}' is not described for {op.Method} {op.Template}");
        }

        if (op.Definition.TryGetProperty("requestBody", out var rb))
        {
            var required = rb.TryGetProperty("required", out var r) && r.GetBoolean();
            if (body is null)
            {
                if (required) problems.Add($"{op.Method} {op.Template} needs a body");
            }
            else
            {
                var schemaJson = rb.GetProperty("content").GetProperty("application/json").GetProperty("schema");
                using var instance = JsonDocument.Parse(body);
                var result = SchemaFor(schemaJson).Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                if (!result.IsValid)
                    problems.AddRange((result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                        .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("body does not match the schema"));
            }
        }
        else if (body is not null)
        {
            problems.Add($"{op.Method} {op.Template} takes no body");
        }
        return problems;
    }

    private JsonSchema SchemaFor(JsonElement schema)
    {
        var text = schema.GetRawText().Replace("#/components/schemas/", "#/$defs/");
        if (_schemas.TryGetValue(text, out var cached)) return cached;
        var root = $$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://meilisearch.spec/{{Guid.NewGuid():N}}","$defs":{{_defs}},"allOf":[{{text}}]}""";
        return _schemas[text] = JsonSchema.FromText(root);
    }

    /// <summary>The example the description gives for the operation's first success response.</summary>
    public (HttpStatusCode Status, string Json) ExampleResponse(Operation op)
    {
        foreach (var r in op.Definition.GetProperty("responses").EnumerateObject())
        {
            if (!r.Name.StartsWith('2')) continue;
            var example = r.Value.GetProperty("content").GetProperty("application/json").GetProperty("example");
            return ((HttpStatusCode)int.Parse(r.Name), example.GetRawText());
        }
        throw new InvalidOperationException($"No success example for {op.Method} {op.Template}");
    }

    /// <summary>The example of a given error status, e.g. 404 index_not_found.</summary>
    public string ExampleError(Operation op, int status) =>
        op.Definition.GetProperty("responses").GetProperty(status.ToString()).GetProperty("content").GetProperty("application/json").GetProperty("example").GetRawText();
}
