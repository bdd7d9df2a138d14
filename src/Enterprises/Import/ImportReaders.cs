using System.Globalization;
using System.Text.Json;
using MiniExcelLibs;

namespace Marketplace.Enterprises.Import;

/// <summary>A row of an import file: its number as a person counts it (header = row 1 in sheets) and its values.</summary>
public sealed record RawRow(int Number, IReadOnlyDictionary<string, string?> Values);

/// <summary>Reads enterprise lists from JSON (the format of shared/data), .xlsx and .csv, with Chinese or English headers.</summary>
public static class ImportReaders
{
    private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "name", ["企业名称"] = "name", ["名称"] = "name",
        ["creditCode"] = "creditCode", ["统一社会信用代码"] = "creditCode", ["信用代码"] = "creditCode",
        ["industry"] = "industry", ["行业"] = "industry", ["所属行业"] = "industry",
        ["region"] = "region", ["注册地"] = "region", ["地区"] = "region",
        ["qualifications"] = "qualifications", ["资质"] = "qualifications",
        ["registeredCapitalWan"] = "registeredCapitalWan", ["注册资本"] = "registeredCapitalWan", ["注册资本（万元）"] = "registeredCapitalWan", ["注册资本(万元)"] = "registeredCapitalWan",
        ["employees"] = "employees", ["员工人数"] = "employees", ["人数"] = "employees",
        ["technologies"] = "technologies", ["技术"] = "technologies", ["关键技术"] = "technologies",
        ["description"] = "description", ["简介"] = "description", ["企业简介"] = "description",
        ["cases"] = "cases", ["案例"] = "cases", ["过往案例"] = "cases",
        ["contactEmail"] = "contactEmail", ["联系邮箱"] = "contactEmail", ["邮箱"] = "contactEmail",
    };

    public static IReadOnlyList<RawRow> Read(string fileName, Stream stream) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".json" => ReadJson(stream),
            ".xlsx" => ReadSheet(stream, ExcelType.XLSX),
            ".csv" => ReadSheet(stream, ExcelType.CSV),
            var other => throw new InvalidDataException($"不支持的文件类型“{other}”：请使用 .json、.xlsx 或 .csv"),
        };

    public static IReadOnlyList<RawRow> ReadJson(Stream stream)
    {
        using var doc = JsonDocument.Parse(stream);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException("JSON 文件应为企业对象的数组");
        return doc.RootElement.EnumerateArray().Select((e, i) => new RawRow(i + 1, e.ValueKind != JsonValueKind.Object
            ? new Dictionary<string, string?>()
            : e.EnumerateObject().Where(p => Headers.ContainsKey(p.Name)).ToDictionary(p => Headers[p.Name], p => JsonText(p.Value)))).ToList();
    }

    private static string? JsonText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        // Lists travel as one string separated by ；, the same as a spreadsheet cell.
        JsonValueKind.Array => string.Join("；", v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Object
            ? string.Join("，", x.EnumerateObject().Select(p => p.Value.ToString()).Where(s => s.Length > 0))
            : x.ToString())),
        _ => v.GetRawText(),
    };

    private static IReadOnlyList<RawRow> ReadSheet(Stream stream, ExcelType type)
    {
        var rows = new List<RawRow>();
        var number = 1; // the header row
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: true, excelType: type))
        {
            number++;
            var values = row.Where(kv => Headers.ContainsKey(kv.Key.Trim()))
                .ToDictionary(kv => Headers[kv.Key.Trim()], kv => kv.Value switch
                {
                    null => null,
                    double d => d.ToString(CultureInfo.InvariantCulture),
                    var o => Convert.ToString(o, CultureInfo.InvariantCulture),
                });
            if (values.Values.All(string.IsNullOrWhiteSpace)) continue; // blank lines are not rows
            rows.Add(new RawRow(number, values));
        }
        return rows;
    }

    public static string[] SplitList(string? text) =>
        (text ?? "").Split(['；', ';', '、', ',', '，', '|', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
