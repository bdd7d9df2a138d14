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
        _package = JsonSchema.FromText(Combined(
            File.ReadAllText(Path.Combine(dir, "release-package-schema.json")), File.ReadAllText(Path.Combine(dir, "release-schema.json"))));
        Codelists = Directory.GetFiles(Path.Combine(dir, "codelists"), "*.csv").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f),
            f => (IReadOnlySet<string>)File.ReadLines(f).Skip(1).Select(l => l.Split(',')[0].Trim('"')).ToHashSet());
    }

    /// <summary>
    /// One self-contained document: the package schema, with the release schema's definitions beside its own and its
    /// reference to the release schema's URL pointing at the release schema placed under definitions. The release
    /// schema's own references ("#/definitions/Value") then resolve in the combined document, offline.
    /// </summary>
    private static string Combined(string packageText, string releaseText)
    {
        var package = JsonNode.Parse(packageText)!.AsObject();
        var release = JsonNode.Parse(releaseText)!.AsObject();
        var releaseId = release["id"]!.GetValue<string>();
        var definitions = release["definitions"]!.AsObject();
        release.Remove("definitions");
        foreach (var key in new[] { "id", "$schema" }) release.Remove(key);
        var all = new JsonObject();
        foreach (var (name, schema) in definitions.ToList())
        {
            definitions.Remove(name);
            all[name] = schema;
        }
        all["OcdsRelease"] = release;
        package.Remove("id");
        package["$schema"] = "http://json-schema.org/draft-07/schema#";
        package["definitions"] = all;
        var text = package.ToJsonString().Replace($"\"$ref\":\"{releaseId}\"", "\"$ref\":\"#/definitions/OcdsRelease\"");
        if (text.Contains(releaseId + "\"")) throw new InvalidOperationException("The package schema refers to the release schema in a way not handled.");
        return text;
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
