using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Dapper;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Listings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Marketplace.BuildingBlocks.Site;

namespace Marketplace.Web.OpenData;

/// <summary>One scenario as open data (CSV and JSON downloads).</summary>
public sealed record OpenScenario(
    string Code, string Title, string Category, string Domain, string Location, string OwnerDepartment, string Batch, string Status,
    string Mode, int AwardSlots, decimal BudgetMinWan, decimal BudgetMaxWan, string FundingMode, string Technologies,
    string PublishedAt, string ClosesAt, string Winners, string Url, string OcdsUrl);

/// <summary>
/// Open data (政务公开): every scenario published to everyone as CSV and JSON, each one's process as an OCDS release
/// package, an Atom feed of newly published scenarios and an iCalendar feed of deadlines. No sign-in, nothing sealed.
/// </summary>
public sealed class OpenDataController(ScenarioStore scenarios, NpgsqlDataSource db, IOptions<SiteOptions> site) : Controller
{
    private string Absolute(string path) => site.Value.BaseUrl.TrimEnd('/') + path;

    private async Task<IReadOnlyList<Scenario>> OpenScenariosAsync(CancellationToken ct) =>
        (await scenarios.ListPublicAsync(ct)).Where(s => s.Visibility == ScenarioVisibility.Public).ToList();

    private async Task<IReadOnlyList<OpenScenario>> RowsAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var winners = (await conn.QueryAsync<(Guid ScenarioId, string Name)>(new CommandDefinition("""
            select w.scenario_id, e.name from scenarios.awards w join enterprises.enterprises e on e.id = w.enterprise_id order by e.name
            """, cancellationToken: ct))).ToLookup(w => w.ScenarioId, w => w.Name);
        return (await OpenScenariosAsync(ct)).Select(s => new OpenScenario(
            s.Code, s.Title, Labels.Category(s.Category), s.Domain, s.Location, s.OwnerDepartment, s.Batch, Labels.Status(s.Status),
            Labels.Mode(s.Mode), s.AwardSlots, s.BudgetMinWan, s.BudgetMaxWan, s.FundingMode, string.Join("、", s.Technologies),
            s.PublishedAt is { } p ? p.ToOffset(Labels.Beijing).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) : "",
            s.ClosesAt.ToOffset(Labels.Beijing).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            string.Join("、", winners[s.Id]), Absolute($"/scenarios/{s.Id}"), Absolute($"/open-data/ocds/{s.Code}.json"))).ToList();
    }

    [HttpGet("open-data")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await RowsAsync(ct));

    [HttpGet("open-data/scenarios.json")]
    public async Task<IActionResult> Json(CancellationToken ct) => Ok(await RowsAsync(ct));

    [HttpGet("open-data/scenarios.csv")]
    public async Task<IActionResult> Csv(CancellationToken ct)
    {
        var rows = await RowsAsync(ct);
        var csv = new StringBuilder();
        string[] header = ["编号", "名称", "类别", "领域", "地点", "牵头部门", "批次", "阶段", "模式", "名额", "预算下限（万元）", "预算上限（万元）", "资金支持方式",
            "关键技术", "发布时间", "申报截止", "揭榜企业", "网址", "OCDS"];
        csv.AppendLine(string.Join(',', header));
        foreach (var r in rows)
            csv.AppendLine(string.Join(',', new[] { r.Code, r.Title, r.Category, r.Domain, r.Location, r.OwnerDepartment, r.Batch, r.Status, r.Mode,
                r.AwardSlots.ToString(CultureInfo.InvariantCulture), r.BudgetMinWan.ToString("0.##", CultureInfo.InvariantCulture),
                r.BudgetMaxWan.ToString("0.##", CultureInfo.InvariantCulture), r.FundingMode, r.Technologies, r.PublishedAt, r.ClosesAt, r.Winners, r.Url, r.OcdsUrl }
                .Select(CsvField)));
        // A byte-order mark so Excel opens the Chinese text as UTF-8.
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8", "scenarios.csv");
    }

    internal static string CsvField(string value)
    {
        // Cells starting with =, +, - or @ would run as formulas in a spreadsheet: prefix them (CSV injection).
        if (value.Length > 0 && "=+-@".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    [HttpGet("open-data/ocds/{code}.json")]
    public async Task<IActionResult> OcdsPackage(string code, [FromServices] Ocds ocds, CancellationToken ct)
    {
        var s = await scenarios.GetByCodeAsync(code, ct);
        var package = s is null ? null : await ocds.PackageAsync(s.Id, ct);
        return package is null ? NotFound() : Content(package.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            "application/json; charset=utf-8");
    }

    /// <summary>Atom 1.0 (RFC 4287): the 50 most recently published scenarios.</summary>
    [HttpGet("feeds/scenarios.atom")]
    public async Task<IActionResult> Atom(CancellationToken ct)
    {
        var items = (await OpenScenariosAsync(ct)).Where(s => s.PublishedAt is not null).OrderByDescending(s => s.PublishedAt).ThenBy(s => s.Code).Take(50).ToList();
        var buffer = new MemoryStream();
        using (var x = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            const string ns = "http://www.w3.org/2005/Atom";
            x.WriteStartElement("feed", ns);
            x.WriteAttributeString("xml", "lang", null, "zh-CN");
            x.WriteElementString("id", ns, Absolute("/feeds/scenarios.atom"));
            x.WriteElementString("title", ns, "通州区应用场景 · 最新发布");
            x.WriteElementString("updated", ns, Rfc3339(items.FirstOrDefault()?.PublishedAt ?? DateTimeOffset.UnixEpoch));
            Link(x, ns, "self", Absolute("/feeds/scenarios.atom"), "application/atom+xml");
            Link(x, ns, "alternate", Absolute("/scenarios"), "text/html");
            x.WriteStartElement("author", ns);
            x.WriteElementString("name", ns, "北京市通州区应用场景供需对接平台");
            x.WriteEndElement();
            foreach (var s in items)
            {
                x.WriteStartElement("entry", ns);
                x.WriteElementString("id", ns, $"urn:uuid:{s.Id}");
                x.WriteElementString("title", ns, $"{s.Title}（{Labels.Category(s.Category)}）");
                x.WriteElementString("updated", ns, Rfc3339(s.PublishedAt!.Value));
                x.WriteElementString("published", ns, Rfc3339(s.PublishedAt!.Value));
                Link(x, ns, "alternate", Absolute($"/scenarios/{s.Id}"), "text/html");
                x.WriteStartElement("category", ns);
                x.WriteAttributeString("term", s.Category);
                x.WriteAttributeString("label", Labels.Category(s.Category));
                x.WriteEndElement();
                x.WriteElementString("summary", ns, $"{s.Summary} 申报截止：{Labels.Time(s.ClosesAt)}（北京时间）");
                x.WriteEndElement();
            }
            x.WriteEndElement();
        }
        return File(buffer.ToArray(), "application/atom+xml; charset=utf-8");
    }

    private static void Link(XmlWriter x, string ns, string rel, string href, string type)
    {
        x.WriteStartElement("link", ns);
        x.WriteAttributeString("rel", rel);
        x.WriteAttributeString("href", href);
        x.WriteAttributeString("type", type);
        x.WriteEndElement();
    }

    private static string Rfc3339(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>iCalendar (RFC 5545): one event per open scenario at its deadline, to subscribe to from a calendar app.</summary>
    [HttpGet("feeds/deadlines.ics")]
    public async Task<IActionResult> Calendar([FromServices] TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = (await OpenScenariosAsync(ct)).Where(s => s.Status == ScenarioStatus.Published && s.ClosesAt > now).OrderBy(s => s.ClosesAt).ToList();
        var host = new Uri(Absolute("/")).Host;
        var ics = new StringBuilder();
        void Line(string text) => ics.Append(Fold(text)).Append("\r\n");
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//Tongzhou//Scenario Marketplace//ZH");
        Line("CALSCALE:GREGORIAN");
        Line("METHOD:PUBLISH");
        Line("X-WR-CALNAME:" + Escape("应用场景申报截止"));
        Line("X-WR-TIMEZONE:Asia/Shanghai");
        foreach (var s in open)
        {
            Line("BEGIN:VEVENT");
            Line($"UID:deadline-{s.Code}@{host}");
            Line("DTSTAMP:" + IcsTime(s.PublishedAt ?? now));
            Line("DTSTART:" + IcsTime(s.ClosesAt));
            Line("DTEND:" + IcsTime(s.ClosesAt));
            Line("SUMMARY:" + Escape($"申报截止：{s.Title}"));
            Line("DESCRIPTION:" + Escape($"{s.Summary}\n{Absolute($"/scenarios/{s.Id}")}"));
            Line("URL:" + Absolute($"/scenarios/{s.Id}"));
            Line("CATEGORIES:" + Escape(Labels.Category(s.Category)));
            Line("BEGIN:VALARM");
            Line("ACTION:DISPLAY");
            Line("TRIGGER:-P1D");
            Line("DESCRIPTION:" + Escape($"明天截止：{s.Title}"));
            Line("END:VALARM");
            Line("END:VEVENT");
        }
        Line("END:VCALENDAR");
        return File(Encoding.UTF8.GetBytes(ics.ToString()), "text/calendar; charset=utf-8", "deadlines.ics");
    }

    private static string IcsTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    internal static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace(";", "\\;").Replace(",", "\\,").Replace("\r\n", "\\n").Replace("\n", "\\n");

    /// <summary>Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1).</summary>
    internal static string Fold(string line)
    {
        var result = new StringBuilder();
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > 75)
            {
                result.Append("\r\n ");
                octets = 1;
            }
            result.Append(rune.ToString());
            octets += size;
        }
        return result.ToString();
    }
}
