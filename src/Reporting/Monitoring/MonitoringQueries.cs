using System.Text.Json;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Caching;
using Marketplace.BuildingBlocks.Data;
using Marketplace.BuildingBlocks.Results;
using Marketplace.BuildingBlocks.Time;
using Npgsql;

namespace Marketplace.Reporting.Monitoring;

public sealed record PlanTarget
{
    public string Key { get; init; } = "";
    public string Label { get; init; } = "";
    public string Metric { get; init; } = "";
    public string? Category { get; init; }
    public int TargetValue { get; init; }
    public DateTime PeriodStart { get; init; }
    public DateTime PeriodEnd { get; init; }
}

public sealed record TargetProgress(PlanTarget Target, int Value)
{
    public double Percent => Target.TargetValue == 0 ? 0 : Math.Round(100.0 * Value / Target.TargetValue, 1);
    public bool Met => Value >= Target.TargetValue;
}

public sealed record Count(string Key, int Value);

public sealed record MonthPoint(string Month, int Published, int Closed, int Awarded, int Landed);

public sealed record OverdueMilestone(string Code, string Title, string Firm, string Milestone, DateTimeOffset DueAt);

/// <param name="Funnel">proposed → published → applied → awarded → landed, in that order.</param>
public sealed record DashboardFigures(
    IReadOnlyList<TargetProgress> Targets,
    IReadOnlyList<Count> Funnel,
    IReadOnlyDictionary<string, IReadOnlyList<Count>> Breakdowns,
    IReadOnlyList<MonthPoint> Months,
    IReadOnlyList<OverdueMilestone> Overdue,
    int Invitations, int InvitedFirmsThatApplied, int InvitationsDecided,
    InvitationConversion Conversion)
{
    /// <summary>How many overdue milestones the dashboard lists (the longest overdue); <see cref="OverdueTotal"/> counts them all.</summary>
    public const int OverdueShown = 100;

    public int OverdueTotal { get; init; }
}

/// <summary>One row of the ledger (台账): a scenario with its owner, stage, dates, applicants, winners and milestones.</summary>
public sealed record LedgerRow
{
    public string Code { get; init; } = "";
    public string Title { get; init; } = "";
    public string Category { get; init; } = "";
    public string Domain { get; init; } = "";
    public string Location { get; init; } = "";
    public string OwnerDepartment { get; init; } = "";
    public string Batch { get; init; } = "";
    public string ResponsiblePerson { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? PublishedAt { get; init; }
    public DateTimeOffset ClosesAt { get; init; }
    /// <summary>Null while the window is open: the count is sealed until the deadline.</summary>
    public int? Applicants { get; init; }
    public string Winners { get; init; } = "";
    public int MilestonesDone { get; init; }
    public int MilestonesTotal { get; init; }
    public int MilestonesOverdue { get; init; }
    public DateTimeOffset? NextDueAt { get; init; }
    /// <summary>销号: the item is closed when it lands or is terminated.</summary>
    public bool Closed => Status is "landed" or "terminated";
}

/// <summary>The ledger filters on screen; exports honour the same ones.</summary>
public sealed record LedgerFilter(string? Category = null, string? Department = null, string? Status = null, string? Batch = null, string? Q = null)
{
    public bool Admits(LedgerRow r) =>
        (string.IsNullOrEmpty(Category) || r.Category == Category)
        && (string.IsNullOrEmpty(Department) || r.OwnerDepartment == Department)
        && (string.IsNullOrEmpty(Status) || r.Status == Status || (Status == "closed" && r.Closed) || (Status == "open" && !r.Closed))
        && (string.IsNullOrEmpty(Batch) || r.Batch == Batch)
        && (string.IsNullOrEmpty(Q) || r.Title.Contains(Q.Trim(), StringComparison.OrdinalIgnoreCase) || r.Code.Contains(Q.Trim(), StringComparison.OrdinalIgnoreCase));
}

public sealed record LedgerSnapshot(DateOnly Month, DateTimeOffset TakenAt, IReadOnlyList<LedgerRow> Rows);

/// <summary>The ledger as shown: a frozen month when one was asked for and exists, otherwise live; filtered as on screen.</summary>
/// <param name="Month">The month asked for, if any; <paramref name="Snapshot"/> is null when it was never frozen.</param>
public sealed record LedgerPage(LedgerFilter Filter, DateOnly? Month, LedgerSnapshot? Snapshot, IReadOnlyList<LedgerRow> Rows,
    IReadOnlyList<DateOnly> SnapshotMonths, IReadOnlyList<string> Departments, IReadOnlyList<string> Batches)
{
    /// <summary>
    /// Rows shown on one screen of the ledger (all of them at 10,000 scenarios made a 3.4 MB page; 500 made 181 KB and
    /// cost most of a request's time); the pager and the filters reach the rest, and exports hold every row.
    /// </summary>
    public const int PageSize = 200;
}

/// <summary>
/// Figures for monitoring against the plan (月度监测、季度调度、年度考核): targets, the funnel, breakdowns, trends,
/// overdue milestones and matching activity, plus the ledger and its frozen month-end snapshots. Application counts are
/// shown only for scenarios past their deadline, so the dashboard never breaks the seal: the scenarios module's views
/// apply it (<c>scenarios.ledger_view.applicants</c> is null and <c>scenarios.applicants_view</c> is empty while sealed).
/// </summary>
public sealed class MonitoringQueries(NpgsqlDataSource db, DataVersion data, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The dashboard and the live ledger read every scenario: at national scale one takes seconds. They are computed
    // once per committed state of the database and minute of the clock (months, "overdue" and the seal move with it)
    // and shared by every officer who asks meanwhile (decision 65).
    // While a busy database moves on during a computation, other officers are shown the previous answer (at most
    // LiveStaleness old) instead of each starting another one; the officer whose request starts it waits for it.
    public static readonly TimeSpan LiveStaleness = TimeSpan.FromSeconds(30);
    private readonly VersionedCache<DashboardFigures> _dashboard = new(capacity: 1);
    private readonly VersionedCache<IReadOnlyList<LedgerRow>> _ledger = new(capacity: 1);

    /// <summary>What the live figures depend on: the database's committed state and the minute.</summary>
    public Task<string> LiveVersionAsync(CancellationToken ct) => data.AtMinuteAsync(clock, ct);

    public async Task<IReadOnlyList<PlanTarget>> TargetsAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<PlanTarget>(new CommandDefinition(
            "select key, label, metric, category, target_value, period_start, period_end from monitoring.targets order by key", cancellationToken: ct))).ToList();
    }

    public async Task<Result<bool>> SetTargetAsync(string key, int value, DateOnly? start, DateOnly? end, Guid adminId, CancellationToken ct)
    {
        var errors = new List<Error>();
        if (value is < 1 or > 100000) errors.Add(Error.Invalid("target_value", "目标值应为 1–100000", "TargetValue"));
        if (start is null || end is null || end < start) errors.Add(Error.Invalid("target_period", "请填写起止日期，且结束不早于开始", "PeriodEnd"));
        if (errors.Count > 0) return Result<bool>.Fail(errors);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var before = await conn.QuerySingleOrDefaultAsync<PlanTarget>(new CommandDefinition(
            "select key, label, metric, category, target_value, period_start, period_end from monitoring.targets where key = @key for update", new { key }, tx, cancellationToken: ct));
        if (before is null) return Error.NotFound("target_not_found", "没有这项目标");
        await conn.ExecuteAsync(new CommandDefinition("""
            update monitoring.targets set target_value = @value, period_start = @start, period_end = @end, updated_by = @adminId, updated_at = @now where key = @key
            """, new { key, value, start = start!.Value.ToDateTime(TimeOnly.MinValue), end = end!.Value.ToDateTime(TimeOnly.MinValue), adminId, now }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, adminId, "monitoring.target_set", "target", key, before,
            new { TargetValue = value, PeriodStart = start, PeriodEnd = end }, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<DashboardFigures> DashboardAsync(CancellationToken ct) =>
        await _dashboard.GetOrAddAsync("dashboard", await LiveVersionAsync(ct), ComputeDashboardAsync, ct, LiveStaleness);

    private async Task<DashboardFigures> ComputeDashboardAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var targets = await TargetsAsync(ct);
        var progress = new List<TargetProgress>();
        foreach (var t in targets)
        {
            var where = t.Metric switch
            {
                "published_public" => "s.visibility = 'public'",
                "paired" => "exists (select 1 from scenarios.awards_view w where w.scenario_id = s.id)",
                "landed" => "s.status = 'landed'",
                _ => "true",
            };
            var value = await conn.ExecuteScalarAsync<int>(new CommandDefinition($"""
                select count(*) from scenarios.ledger_view s
                where s.published_at is not null and s.status <> 'withdrawn'
                  and (s.published_at at time zone 'Asia/Shanghai')::date between @start and @end
                  and (@category::text is null or s.category = @category) and {where}
                """, new { start = t.PeriodStart, end = t.PeriodEnd, category = t.Category }, cancellationToken: ct));
            progress.Add(new TargetProgress(t, value));
        }

        var funnel = await conn.QuerySingleAsync<(int Proposed, int Published, int Applied, int Awarded, int Landed)>(new CommandDefinition("""
            select count(*) filter (where s.status <> 'draft'),
                   count(*) filter (where s.published_at is not null),
                   count(*) filter (where s.applicants > 0),
                   count(*) filter (where exists (select 1 from scenarios.awards_view w where w.scenario_id = s.id)),
                   count(*) filter (where s.status = 'landed')
            from scenarios.ledger_view s
            """, cancellationToken: ct));

        var breakdowns = new Dictionary<string, IReadOnlyList<Count>>();
        foreach (var (name, column) in new[] { ("category", "category"), ("domain", "domain"), ("location", "location"), ("department", "owner_department"), ("batch", "batch") })
            breakdowns[name] = (await conn.QueryAsync<Count>(new CommandDefinition($"""
                select coalesce(nullif({column}, ''), '（未填）') as key, count(*)::int as value from scenarios.ledger_view
                where published_at is not null group by 1 order by 2 desc, 1
                """, cancellationToken: ct))).ToList();
        breakdowns["region"] = (await conn.QueryAsync<Count>(new CommandDefinition("""
            select split_part(e.region, '·', 1) as key, count(*)::int as value
            from scenarios.awards_view w join enterprises.names_view e on e.id = w.enterprise_id group by 1 order by 2 desc, 1
            """, cancellationToken: ct))).ToList();

        var now = clock.GetUtcNow();
        var firstMonth = new DateTime(now.Year, now.Month, 1).AddMonths(-11);
        // One pass per measure grouped by month, not four subqueries per month each reading every scenario.
        var months = (await conn.QueryAsync<MonthPoint>(new CommandDefinition("""
            with months as (select generate_series(@first::date, @first::date + interval '11 months', interval '1 month')::date as m),
            published as (
                select date_trunc('month', published_at at time zone 'Asia/Shanghai')::date as m, count(*)::int as n
                from scenarios.ledger_view where published_at >= @first::date - interval '1 day' group by 1),
            closed as (
                select date_trunc('month', closed_at at time zone 'Asia/Shanghai')::date as m, count(*)::int as n
                from scenarios.ledger_view where closed_at >= @first::date - interval '1 day' group by 1),
            awarded as (
                select date_trunc('month', awarded_at at time zone 'Asia/Shanghai')::date as m, count(*)::int as n
                from scenarios.awards_view where awarded_at >= @first::date - interval '1 day' group by 1),
            landed as (
                select date_trunc('month', l.at at time zone 'Asia/Shanghai')::date as m, count(*)::int as n
                from (select s.id, max(mi.verdict_at) as at
                      from scenarios.ledger_view s join scenarios.milestones_view mi on mi.scenario_id = s.id
                      where s.status = 'landed' group by s.id) l
                where l.at >= @first::date - interval '1 day' group by 1)
            select to_char(months.m, 'YYYY-MM') as month, coalesce(p.n, 0) as published, coalesce(c.n, 0) as closed,
                   coalesce(a.n, 0) as awarded, coalesce(l.n, 0) as landed
            from months
            left join published p on p.m = months.m left join closed c on c.m = months.m
            left join awarded a on a.m = months.m left join landed l on l.m = months.m
            order by months.m
            """, new { first = firstMonth }, cancellationToken: ct))).ToList();

        // The longest overdue first, at most OverdueShown of them: at national scale thousands can be overdue, and the
        // dashboard listed every one (a 1 MB page); the ledger has the full list.
        var overdueTotal = await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            select count(*)::int from scenarios.milestones_view m
            where m.overdue_at is not null and m.verdict is null and m.award_status = 'active'
            """, cancellationToken: ct));
        var overdue = (await conn.QueryAsync<OverdueMilestone>(new CommandDefinition("""
            select s.code, s.title, e.name as firm, m.title as milestone, m.due_at
            from scenarios.milestones_view m join scenarios.ledger_view s on s.id = m.scenario_id
            join enterprises.names_view e on e.id = m.enterprise_id
            where m.overdue_at is not null and m.verdict is null and m.award_status = 'active' order by m.due_at, s.code, m.seq
            limit @limit
            """, new { limit = DashboardFigures.OverdueShown }, cancellationToken: ct))).ToList();

        var invited = await conn.QuerySingleAsync<(int Count, int Applied, int Decided)>(new CommandDefinition("""
            select count(*)::int,
                   count(*) filter (where exists (select 1 from scenarios.applicants_view a
                       where a.scenario_id = i.scenario_id and a.enterprise_id = i.enterprise_id))::int,
                   count(*) filter (where not s.applications_sealed)::int
            from matching.invitations_view i join scenarios.ledger_view s on s.id = i.scenario_id
            """, cancellationToken: ct));

        return new DashboardFigures(progress,
            [new("提出", funnel.Proposed), new("发布", funnel.Published), new("揭榜", funnel.Applied), new("挂帅", funnel.Awarded), new("落地", funnel.Landed)],
            breakdowns, months, overdue, invited.Count, invited.Applied, invited.Decided,
            await InvitationConversion.LoadAsync(conn, now, ct)) { OverdueTotal = overdueTotal };
    }

    /// <summary>The live ledger: every scenario past the draft stage.</summary>
    public async Task<IReadOnlyList<LedgerRow>> LedgerAsync(CancellationToken ct) =>
        await _ledger.GetOrAddAsync("ledger", await LiveVersionAsync(ct), ComputeLedgerAsync, ct, LiveStaleness);

    private async Task<IReadOnlyList<LedgerRow>> ComputeLedgerAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // Winners and milestone figures are aggregated once for all scenarios and joined, not computed per scenario by
        // correlated subqueries (six per row: 8 s over 10,000 scenarios even with indexes; issue 15).
        return (await conn.QueryAsync<LedgerRow>(new CommandDefinition("""
            with w as (
                select w.scenario_id, string_agg(e.name, '、' order by e.name) as winners
                from scenarios.awards_view w join enterprises.names_view e on e.id = w.enterprise_id
                group by w.scenario_id),
            m as (
                select m.scenario_id,
                       count(*) filter (where m.verdict is not null)::int as done,
                       count(*)::int as total,
                       count(*) filter (where m.overdue_at is not null and m.verdict is null)::int as overdue,
                       min(m.due_at) filter (where m.verdict is null and m.award_status = 'active') as next_due_at
                from scenarios.milestones_view m
                group by m.scenario_id)
            select s.code, s.title, s.category, s.domain, s.location, s.owner_department, s.batch, s.responsible_person, s.status,
                   s.published_at, s.closes_at, s.applicants, coalesce(w.winners, '') as winners,
                   coalesce(m.done, 0) as milestones_done, coalesce(m.total, 0) as milestones_total,
                   coalesce(m.overdue, 0) as milestones_overdue, m.next_due_at
            from scenarios.ledger_view s
            left join w on w.scenario_id = s.id
            left join m on m.scenario_id = s.id
            where s.status <> 'draft' order by s.code
            """, cancellationToken: ct))).ToList();
    }

    /// <summary>The ledger page: the frozen month when <paramref name="month"/> is given and was frozen, else the live ledger.</summary>
    private sealed record LedgerChoices(IReadOnlyList<string> Departments, IReadOnlyList<string> Batches);
    private static readonly LedgerFilter NoFilter = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<LedgerRow>, LedgerChoices> _choices = new();

    public async Task<LedgerPage> LedgerPageAsync(LedgerFilter filter, DateOnly? month, CancellationToken ct)
    {
        var snapshot = month is { } m ? await SnapshotAsync(m, ct) : null;
        var all = snapshot?.Rows ?? await LedgerAsync(ct);
        // The filter's choices are the same for every request on the same rows (10,000 at national scale): listed once.
        var choices = _choices.GetValue(all, rows => new LedgerChoices(
            rows.Select(r => r.OwnerDepartment).Where(d => d.Length > 0).Distinct().Order().ToList(),
            rows.Select(r => r.Batch).Where(b => b.Length > 0).Distinct().Order().ToList()));
        var shown = filter == NoFilter ? all : all.Where(filter.Admits).ToList();
        return new LedgerPage(filter, month, snapshot, shown, await SnapshotMonthsAsync(ct), choices.Departments, choices.Batches);
    }

    /// <summary>
    /// Freezes the ledger for a month that has ended. Taken once: a second call (another node, a retry) changes nothing,
    /// so the month's report can always be reproduced from what was frozen.
    /// </summary>
    public async Task<bool> FreezeMonthAsync(DateOnly month, CancellationToken ct)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        var now = clock.GetUtcNow();
        if (BeijingCalendar.DateOf(now) < first.AddMonths(1)) return false; // the month has not ended
        await using var conn = await db.OpenConnectionAsync(ct);
        // The scheduler asks every tick: once frozen, answer without computing the ledger again.
        if (await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from monitoring.ledger_snapshots where month = @month)",
                new { month = first.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct)))
            return false;
        var rows = await LedgerAsync(ct);
        var summary = new { Total = rows.Count, Closed = rows.Count(r => r.Closed), Overdue = rows.Sum(r => r.MilestonesOverdue) };
        return await conn.ExecuteAsync(new CommandDefinition("""
            insert into monitoring.ledger_snapshots (month, taken_at, rows, summary) values (@month, @now, @rows::jsonb, @summary::jsonb)
            on conflict (month) do nothing
            """, new { month = first.ToDateTime(TimeOnly.MinValue), now, rows = JsonSerializer.Serialize(rows, Json), summary = JsonSerializer.Serialize(summary, Json) },
            cancellationToken: ct)) == 1;
    }

    /// <summary>A frozen month (null if it was never frozen), read and parsed once per committed state, not per request.</summary>
    public async Task<LedgerSnapshot?> SnapshotAsync(DateOnly month, CancellationToken ct) =>
        await _snapshots.GetOrAddAsync($"{month:yyyy-MM}", await data.CurrentAsync(ct), c => ReadSnapshotAsync(month, c), ct);

    private readonly VersionedCache<LedgerSnapshot?> _snapshots = new(capacity: 12);

    private async Task<LedgerSnapshot?> ReadSnapshotAsync(DateOnly month, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(DateTime TakenAt, string Rows)?>(new CommandDefinition(
            "select taken_at, rows::text from monitoring.ledger_snapshots where month = @month",
            new { month = new DateOnly(month.Year, month.Month, 1).ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
        return row is { } r
            ? new LedgerSnapshot(month, new DateTimeOffset(DateTime.SpecifyKind(r.TakenAt, DateTimeKind.Utc)), JsonSerializer.Deserialize<LedgerRow[]>(r.Rows, Json)!)
            : null;
    }

    public async Task<IReadOnlyList<DateOnly>> SnapshotMonthsAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<DateTime>(new CommandDefinition("select month from monitoring.ledger_snapshots order by month desc", cancellationToken: ct)))
            .Select(DateOnly.FromDateTime).ToList();
    }
}
