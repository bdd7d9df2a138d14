using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Marketplace.IntegrationTests.Support;

/// <summary>
/// The official OCDS 1.1 release package and release schemas from ../shared/specs/ocds, and their codelists. They are
/// draft-04 documents; their keywords are the same in draft-07 apart from the spelling of "id", which is mapped.
/// </summary>
public sealed class OcdsSchema
{
    public const string PackagePath = "specs/ocds/release-package-schema.json";
    private readonly JsonSchema _package;
    private readonly EvaluationOptions _options;
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Codelists { get; }

    public OcdsSchema()
    {
        var dir = SharedFiles.Path("specs", "ocds") ?? throw new InvalidOperationException("../shared/specs/ocds is absent");
        _options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        var release = JsonSchema.FromText(Draft7(File.ReadAllText(Path.Combine(dir, "release-schema.json"))));
        SchemaRegistry.Global.Register(release);
        _package = JsonSchema.FromText(Draft7(File.ReadAllText(Path.Combine(dir, "release-package-schema.json"))));
        Codelists = Directory.GetFiles(Path.Combine(dir, "codelists"), "*.csv").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f),
            f => (IReadOnlySet<string>)File.ReadLines(f).Skip(1).Select(l => l.Split(',')[0].Trim('"')).ToHashSet());
    }

    private static string Draft7(string draft4)
    {
        var node = JsonNode.Parse(draft4)!.AsObject();
        node["$id"] = node["id"]!.GetValue<string>();
        node.Remove("id");
        node["$schema"] = "http://json-schema.org/draft-07/schema#";
        return node.ToJsonString();
    }

    /// <summary>Every problem of a package: schema errors with their location, or nothing.</summary>
    public IReadOnlyList<string> Problems(string packageJson)
    {
        using var doc = JsonDocument.Parse(packageJson);
        var result = _package.Evaluate(doc.RootElement, _options);
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }
}
