using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Matching.Documents;

namespace Marketplace.Matching.Evaluation;

public sealed record EvalRequirements(string[]? Qualifications, decimal MinRegisteredCapitalWan, string[]? Regions);

public sealed record EvalScenario(
    string Id, string Title, string Category, string Domain, string? Location, string Summary, string Description,
    string[] Technologies, EvalRequirements? Requirements);

public sealed record EvalEnterprise(
    string Id, string Name, string? Industry, string Region, string[]? Qualifications, decimal RegisteredCapitalWan,
    int Employees, string[]? Technologies, string? Description,
    [property: JsonConverter(typeof(EvaluationSet.CaseListConverter))] string[]? Cases);

public sealed record EvalIneligible(string Id, int TechnicalGrade, string[]? Reasons);

public sealed record EvalJudgements(Dictionary<string, int> Relevance, EvalIneligible[]? Ineligible);

/// <summary>
/// A labelled set in the format of <c>shared/data/</c>: scenarios.json, enterprises.json and qrels.json.
/// Ids are strings there; the index uses stable Guids derived from them.
/// </summary>
public sealed class EvaluationSet
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public required IReadOnlyList<EvalScenario> Scenarios { get; init; }
    public required IReadOnlyList<EvalEnterprise> Enterprises { get; init; }
    public required IReadOnlyDictionary<string, EvalJudgements> Judgements { get; init; }

    public static EvaluationSet Load(string folder)
    {
        T Read<T>(string name)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path)) throw new FileNotFoundException($"{name} not found in {folder}", path);
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");
        }
        return new EvaluationSet
        {
            Scenarios = Read<List<EvalScenario>>("scenarios.json"),
            Enterprises = Read<List<EvalEnterprise>>("enterprises.json"),
            Judgements = Read<Dictionary<string, EvalJudgements>>("qrels.json"),
        };
    }

    public static Guid IdFor(string id) => new(MD5.HashData(Encoding.UTF8.GetBytes("eval:" + id)));

    public static ScenarioDocument ToDocument(EvalScenario s) => new(
        IdFor(s.Id), s.Id, s.Title, s.Summary, s.Description, s.Category, s.Domain, s.Location ?? "", s.Technologies,
        "published", DateTimeOffset.MaxValue, s.Requirements?.Qualifications ?? [], s.Requirements?.MinRegisteredCapitalWan ?? 0,
        s.Requirements?.Regions ?? []);

    public static EnterpriseDocument ToDocument(EvalEnterprise e) => new(
        IdFor(e.Id), e.Name, e.Industry ?? "", e.Region, e.Qualifications ?? [], e.RegisteredCapitalWan, e.Employees,
        e.Technologies ?? [], e.Description ?? "", e.Cases ?? [], [], 0);

    /// <summary>Cases are plain strings in the evaluation sets and objects (title, client, year, outcome) in imports.</summary>
    internal sealed class CaseListConverter : JsonConverter<string[]>
    {
        public override string[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return [];
            return doc.RootElement.EnumerateArray().Select(c => c.ValueKind switch
            {
                JsonValueKind.String => c.GetString() ?? "",
                JsonValueKind.Object => string.Join("，", c.EnumerateObject().Select(p => p.Value.ToString())),
                _ => c.ToString(),
            }).ToArray();
        }

        public override void Write(Utf8JsonWriter writer, string[] value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, options);
    }
}
