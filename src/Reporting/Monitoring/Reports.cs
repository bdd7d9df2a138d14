using Marketplace.BuildingBlocks.Caching;
using System.Globalization;
using Dapper;
using Marketplace.BuildingBlocks.Time;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;
using Npgsql;

namespace Marketplace.Reporting.Monitoring;

/// <summary>A reporting period: a month ("2026-11"), a quarter ("2026-Q4") or a year ("2026").</summary>
public sealed record ReportPeriod(string Kind, string Name, DateOnly First, DateOnly Last)
{
    public static ReportPeriod? Parse(string? text)
    {
        text = text?.Trim() ?? "";
        if (DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            return Month(month);
        if (text.Length == 7 && text[4..6] == "-Q" && int.TryParse(text[..4], out var y) && text[6] is >= '1' and <= '4')
        {
            var first = new DateOnly(y, (text[6] - '1') * 3 + 1, 1);
            return new("quarterly", text, first, first.AddMonths(3).AddDays(-1));
        }
        if (text.Length == 4 && int.TryParse(text, out var year) && year is > 2000 and < 2100)
            return new("annual", text, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        return null;
    }

    public static ReportPeriod Month(DateOnly day)
    {
        var first = new DateOnly(day.Year, day.Month, 1);
        return new("monthly", first.ToString("yyyy-MM", CultureInfo.InvariantCulture), first, first.AddMonths(1).AddDays(-1));
    }

    public string Title => Kind switch { "monthly" => $"{Name} 月度监测报告", "quarterly" => $"{Name} 季度调度报告", _ => $"{Name} 年度考核报告" };
}

/// <summary>
/// Monthly, quarterly and annual reports as .xlsx: a summary sheet and the ledger. A period that has ended is reported
/// from the frozen snapshot of its last month, so the same file comes out every time; the current period is live.
/// The summary is computed from the ledger rows alone, so it always agrees with the ledger sheet.
/// </summary>
public sealed class Reports(MonitoringQueries monitoring, NpgsqlDataSource db, ScenarioLabels labels, TimeProvider clock)
{
    // A report of the live ledger is the same workbook until the data or the minute changes (its source line names the
    // minute); kept per period and filter so officers downloading the month's report share one build.
    private readonly VersionedCache<(byte[] Content, string Source)> _built = new(capacity: 32);

    public async Task<(byte[] Content, string Source)> BuildAsync(ReportPeriod period, LedgerFilter filter, CancellationToken ct) =>
        await _built.GetOrAddAsync($"{period.Title}|{filter}", await monitoring.LiveVersionAsync(ct), c => ComputeAsync(period, filter, c), ct,
            MonitoringQueries.LiveStaleness);

    private async Task<(byte[] Content, string Source)> ComputeAsync(ReportPeriod period, LedgerFilter filter, CancellationToken ct)
    {
        var snapshot = await monitoring.SnapshotAsync(period.Last, ct);
        var rows = snapshot?.Rows ?? await monitoring.LedgerAsync(ct);
        var source = snapshot is null ? $"实时数据（{labels.Time(clock.GetUtcNow())}）" : $"{snapshot.Month:yyyy-MM} 月末快照（{labels.Time(snapshot.TakenAt)} 冻结）";
        return (Workbook(period, rows.Where(filter.Admits).ToList(), source, filter, labels), source);
    }

    // MiniExcel's default buffer is 512K characters per part written: a 1 MB and a 1.5 MB array per part, all large
    // objects, a dozen per report. 16K characters stay below the large object threshold and write as fast.
    private static readonly OpenXmlConfiguration Writing = new() { BufferSize = 16 * 1024 };

    internal static byte[] Workbook(ReportPeriod period, IReadOnlyList<LedgerRow> rows, string source, LedgerFilter filter, ScenarioLabels labels)
    {
        bool In(DateTimeOffset? t) => t is { } x && BeijingCalendar.DateOf(x) is var d && d >= period.First && d <= period.Last;
        var summary = new List<Dictionary<string, object>>();
        void Add(string item, object value) => summary.Add(new() { ["项目"] = item, ["数值"] = value });
        Add("报告", period.Title);
        Add("数据来源", source);
        Add("筛选条件", string.Join("；", new[] { ("类别", filter.Category), ("部门", filter.Department), ("阶段", filter.Status), ("批次", filter.Batch), ("关键词", filter.Q) }
            .Where(f => !string.IsNullOrEmpty(f.Item2)).Select(f => $"{f.Item1}={f.Item2}")) is { Length: > 0 } f ? f : "无");
        Add("台账场景总数", rows.Count);
        Add("本期发布", rows.Count(r => In(r.PublishedAt)));
        foreach (var c in labels.Categories)
            Add($"本期发布·{labels.Category(c)}", rows.Count(r => r.Category == c && In(r.PublishedAt)));
        Add("本期截止", rows.Count(r => In(r.ClosesAt)));
        Add("已销号（落地或终止）", rows.Count(r => r.Closed));
        Add("在办", rows.Count(r => !r.Closed));
        Add("已挂帅（有揭榜企业）", rows.Count(r => r.Winners.Length > 0));
        Add("逾期里程碑", rows.Sum(r => r.MilestonesOverdue));

        var ledger = rows.Select(r => new Dictionary<string, object?>
        {
            ["编号"] = r.Code, ["场景名称"] = r.Title, ["类别"] = labels.Category(r.Category), ["领域"] = r.Domain, ["地点"] = r.Location,
            ["牵头部门"] = r.OwnerDepartment, ["批次"] = r.Batch, ["责任人"] = r.ResponsiblePerson, ["阶段"] = labels.Status(r.Status),
            ["发布时间"] = r.PublishedAt is { } p ? labels.Time(p) : "", ["截止时间"] = labels.Time(r.ClosesAt),
            ["申报数"] = r.Applicants is { } n ? n : "截止后可见", ["揭榜企业"] = r.Winners,
            ["里程碑完成"] = $"{r.MilestonesDone}/{r.MilestonesTotal}", ["逾期"] = r.MilestonesOverdue,
            ["下一节点"] = r.NextDueAt is { } d ? labels.Time(d) : "", ["销号"] = r.Closed ? "是" : "否",
        }).ToList();
        using var stream = new PieceBuffer();
        stream.SaveAs(new Dictionary<string, object> { ["汇总"] = summary, ["台账"] = ledger }, configuration: Writing);
        return stream.ToArray();
    }

    /// <summary>
    /// The month-end run of the scheduler: freezes the month that has just ended and stores its report, and the
    /// quarter's and year's at their ends. Every step is idempotent, so any node may run it any number of times.
    /// </summary>
    public async Task<int> RunMonthEndAsync(CancellationToken ct)
    {
        var today = BeijingCalendar.Today(clock);
        var lastMonth = ReportPeriod.Month(today.AddMonths(-1));
        await monitoring.FreezeMonthAsync(lastMonth.First, ct);
        var periods = new List<ReportPeriod> { lastMonth };
        if (lastMonth.First.Month % 3 == 0) periods.Add(ReportPeriod.Parse($"{lastMonth.First.Year}-Q{lastMonth.First.Month / 3}")!);
        if (lastMonth.First.Month == 12) periods.Add(ReportPeriod.Parse($"{lastMonth.First.Year}")!);
        var stored = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        foreach (var period in periods)
        {
            if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "select exists (select 1 from monitoring.reports where period = @name)", new { name = period.Name }, cancellationToken: ct))) continue;
            var (content, _) = await BuildAsync(period, new LedgerFilter(), ct);
            stored += await conn.ExecuteAsync(new CommandDefinition("""
                insert into monitoring.reports (period, kind, generated_at, content) values (@name, @kind, @now, @content) on conflict (period) do nothing
                """, new { name = period.Name, kind = period.Kind, now = clock.GetUtcNow(), content }, cancellationToken: ct));
        }
        return stored;
    }

    public async Task<IReadOnlyList<(string Period, string Kind, DateTime GeneratedAt)>> StoredAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string, string, DateTime)>(new CommandDefinition(
            "select period, kind, generated_at from monitoring.reports order by generated_at desc limit 36", cancellationToken: ct))).ToList();
    }

    public async Task<byte[]?> StoredContentAsync(string period, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
            "select content from monitoring.reports where period = @period", new { period }, cancellationToken: ct));
    }
}
