using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

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

    /// <summary>
    /// The rows of a file, read as they are needed: memory stays the same whatever the file's size. A sheet needs a
    /// seekable stream (an .xlsx is a zip archive read from its end); JSON and CSV are read front to back.
    /// </summary>
    public static IAsyncEnumerable<RawRow> ReadAsync(string fileName, Stream stream, CancellationToken ct = default) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".json" => ReadJsonAsync(stream, ct),
            ".xlsx" => ReadSheet(stream, ExcelType.XLSX).ToAsyncEnumerable(),
            ".csv" => ReadSheet(stream, ExcelType.CSV).ToAsyncEnumerable(),
            var other => throw new InvalidDataException($"不支持的文件类型“{other}”：请使用 .json、.xlsx 或 .csv"),
        };

    /// <summary>One array element at a time (never the whole document): a million firms read in constant memory.</summary>
    public static async IAsyncEnumerable<RawRow> ReadJsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: ct).GetAsyncEnumerator(ct);
        var number = 0;
        while (true)
        {
            try
            {
                if (!await elements.MoveNextAsync()) yield break;
            }
            // An error at the root (not one inside an element) means the file is not an array at all.
            catch (JsonException e)
            {
                throw new InvalidDataException(number == 0 && e.Path == "$" ? "JSON 文件应为企业对象的数组" : $"第 {number + 1} 项：{e.Message}", e);
            }
            var element = elements.Current;
            yield return new RawRow(++number, element.ValueKind != JsonValueKind.Object
                ? new Dictionary<string, string?>()
                : element.EnumerateObject().Where(p => Headers.ContainsKey(p.Name)).ToDictionary(p => Headers[p.Name], p => JsonText(p.Value)));
        }
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

    // Shared strings past a few MB go to a disk cache instead of a dictionary in memory (a million distinct names).
    private static readonly OpenXmlConfiguration SheetReading = new() { EnableSharedStringCache = true, SharedStringCacheSize = 5 * 1024 * 1024 };

    /// <summary>MiniExcel reads a sheet lazily, row by row; what it throws on a broken file becomes <see cref="InvalidDataException"/>.</summary>
    private static IEnumerable<RawRow> ReadSheet(Stream stream, ExcelType type)
    {
        var number = 1; // the header row
        using var rows = stream.Query(useHeaderRow: true, excelType: type, configuration: type == ExcelType.XLSX ? SheetReading : null).GetEnumerator();
        while (true)
        {
            try
            {
                if (!rows.MoveNext()) yield break;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or System.Xml.XmlException)
            {
                throw new InvalidDataException($"第 {number + 1} 行：{e.Message}", e);
            }
            number++;
            var row = (IDictionary<string, object?>)rows.Current;
            var values = row.Where(kv => Headers.ContainsKey(kv.Key.Trim()))
                .ToDictionary(kv => Headers[kv.Key.Trim()], kv => kv.Value switch
                {
                    null => null,
                    double d => d.ToString(CultureInfo.InvariantCulture),
                    var o => Convert.ToString(o, CultureInfo.InvariantCulture),
                });
            if (values.Values.All(string.IsNullOrWhiteSpace)) continue; // blank lines are not rows
            yield return new RawRow(number, values);
        }
    }

    public static string[] SplitList(string? text) =>
        (text ?? "").Split(['；', ';', '、', ',', '，', '|', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
