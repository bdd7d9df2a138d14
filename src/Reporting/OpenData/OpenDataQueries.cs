using System.Globalization;
using Dapper;
using Marketplace.BuildingBlocks.Caching;
using Marketplace.BuildingBlocks.Time;
using Marketplace.BuildingBlocks.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Reporting.OpenData;

/// <summary>One scenario as open data (CSV and JSON downloads).</summary>
public sealed record OpenScenario(
    string Code, string Title, string Category, string Domain, string Location, string OwnerDepartment, string Batch, string Status,
    string Mode, int AwardSlots, decimal BudgetMinWan, decimal BudgetMaxWan, string FundingMode, string Technologies,
    string PublishedAt, string ClosesAt, string Winners, string Url, string OcdsUrl);

/// <summary>A scenario published to everyone, as the scenarios module publishes it (<c>scenarios.open_scenarios_view</c>).</summary>
internal sealed class PublicScenario
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public string Description { get; init; } = "";
    public string Category { get; init; } = "";
    public string Domain { get; init; } = "";
    public string Location { get; init; } = "";
    public string[] Technologies { get; init; } = [];
    public string Batch { get; init; } = "";
    public string OwnerDepartment { get; init; } = "";
    public decimal BudgetMinWan { get; init; }
    public decimal BudgetMaxWan { get; init; }
    public string FundingMode { get; init; } = "";
    public string Mode { get; init; } = "";
    public int AwardSlots { get; init; }
    public DateTimeOffset OpensAt { get; init; }
    public DateTimeOffset ClosesAt { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset? PublishedAt { get; init; }
    public string[] RequiredQualifications { get; init; } = [];
    public decimal MinRegisteredCapitalWan { get; init; }
    public string[] AllowedRegions { get; init; } = [];
    public int ExcludeWinnersWithinYears { get; init; }
    /// <summary>The review rubric as JSON: <c>[{"name": …, "weight": …}]</c>.</summary>
    public string Rubric { get; init; } = "[]";
}

/// <summary>
/// Open data (政务公开): every scenario published to everyone, as rows for the page, JSON and CSV. No sign-in, nothing
/// sealed: the view holds only public stages of scenarios not limited to partner regions.
/// </summary>
public sealed class OpenDataQueries(NpgsqlDataSource db, ScenarioLabels labels, IOptions<OpenDataOptions> options)
{
    private const string SelectPublic = """
        select id, code, title, summary, description, category, domain, location, technologies, batch, owner_department,
               budget_min_wan, budget_max_wan, funding_mode, mode, award_slots, opens_at, closes_at, status, published_at,
               required_qualifications, min_registered_capital_wan, allowed_regions, exclude_winners_within_years, rubric::text as rubric
        from scenarios.open_scenarios_view
        """;

    internal async Task<IReadOnlyList<PublicScenario>> ListPublicAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<PublicScenario>(new CommandDefinition(SelectPublic + " order by code", cancellationToken: ct))).ToList();
    }

    /// <summary>The <paramref name="limit"/> most recently published, newest first (the Atom feed).</summary>
    internal async Task<IReadOnlyList<PublicScenario>> ListRecentlyPublishedAsync(int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<PublicScenario>(new CommandDefinition(
            SelectPublic + " where published_at is not null order by published_at desc, code limit @limit", new { limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>Those open for applications at <paramref name="now"/>, by deadline (the iCalendar feed).</summary>
    internal async Task<IReadOnlyList<PublicScenario>> ListOpenAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<PublicScenario>(new CommandDefinition(
            SelectPublic + " where status = 'published' and closes_at > @now order by closes_at", new { now }, cancellationToken: ct))).ToList();
    }

    /// <summary>The scenario, or null when it is not open data (not published, or shared with partners only).</summary>
    internal async Task<PublicScenario?> GetPublicAsync(string code, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<PublicScenario>(new CommandDefinition(SelectPublic + " where code = @code", new { code }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<OpenScenario>> ListAsync(CancellationToken ct)
    {
        var list = new List<OpenScenario>();
        await foreach (var s in StreamAsync(ct)) list.Add(s);
        return list;
    }

    /// <summary>
    /// The rows one at a time as PostgreSQL sends them, for the downloads: at national scale the whole list is megabytes,
    /// and holding it (then its CSV text, then its bytes) made three copies per request.
    /// </summary>
    public async IAsyncEnumerable<OpenScenario> StreamAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var winners = (await conn.QueryAsync<(Guid ScenarioId, string Name)>(new CommandDefinition("""
            select w.scenario_id, e.name from scenarios.awards_view w join enterprises.names_view e on e.id = w.enterprise_id order by e.name
            """, cancellationToken: ct))).ToLookup(w => w.ScenarioId, w => w.Name);
        var o = options.Value;
        await foreach (var s in conn.StreamAsync<PublicScenario>(SelectPublic + " order by code", null, ct))
            yield return new OpenScenario(
                s.Code, s.Title, labels.Category(s.Category), s.Domain, s.Location, s.OwnerDepartment, s.Batch, labels.Status(s.Status),
                labels.Mode(s.Mode), s.AwardSlots, s.BudgetMinWan, s.BudgetMaxWan, s.FundingMode, string.Join("、", s.Technologies),
                s.PublishedAt is { } p ? Rfc3339Beijing(p) : "", Rfc3339Beijing(s.ClosesAt),
                string.Join("、", winners[s.Id]), o.Absolute($"/scenarios/{s.Id}"), o.Absolute($"/open-data/ocds/{s.Code}.json"));
    }

    /// <summary>The rows as CSV, UTF-8 with a byte-order mark so Excel opens the Chinese text as UTF-8.</summary>
    public async Task<byte[]> CsvAsync(CancellationToken ct)
    {
        using var buffer = new PieceBuffer();
        await WriteCsvAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>The CSV written to <paramref name="output"/> as the rows arrive (memory flat whatever the number of scenarios).</summary>
    public async Task WriteCsvAsync(Stream output, CancellationToken ct)
    {
        await using var csv = SpreadsheetText.CsvWriter(output, leaveOpen: true);
        string[] header = ["编号", "名称", "类别", "领域", "地点", "牵头部门", "批次", "阶段", "模式", "名额", "预算下限（万元）", "预算上限（万元）", "资金支持方式",
            "关键技术", "发布时间", "申报截止", "揭榜企业", "网址", "OCDS"];
        await csv.WriteLineAsync(string.Join(',', header));
        await foreach (var r in StreamAsync(ct))
            await csv.WriteLineAsync(string.Join(',', new[] { r.Code, r.Title, r.Category, r.Domain, r.Location, r.OwnerDepartment, r.Batch, r.Status, r.Mode,
                r.AwardSlots.ToString(CultureInfo.InvariantCulture), r.BudgetMinWan.ToString("0.##", CultureInfo.InvariantCulture),
                r.BudgetMaxWan.ToString("0.##", CultureInfo.InvariantCulture), r.FundingMode, r.Technologies, r.PublishedAt, r.ClosesAt, r.Winners, r.Url, r.OcdsUrl }
                .Select(CsvField)));
    }

    internal static string CsvField(string value) => Marketplace.BuildingBlocks.Data.SpreadsheetText.CsvField(value);

    /// <summary>RFC 3339 with the Beijing offset, as open data and OCDS date-time fields show it.</summary>
    internal static string Rfc3339Beijing(DateTimeOffset t) =>
        t.ToOffset(BeijingCalendar.Offset).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
}
