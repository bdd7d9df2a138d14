using Dapper;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Listings;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Web.Notifications;

public sealed record FollowRow(string Kind, string Value, string Label);

public sealed record FollowPage(string Frequency, IReadOnlyList<FollowRow> Follows);

/// <summary>
/// Follows and what comes of them: an alert or a digest entry when a matching scenario is published, digests on
/// schedule, deadline reminders (to firms with a draft and to followers of the scenario) and milestone reminders.
/// Every send has a dedupe key, so the scheduler may run on any number of nodes and as often as it likes.
/// </summary>
public sealed class Follows(NpgsqlDataSource db, Mailer mailer, SiteLinks links, ScenarioStore scenarios, TimeProvider clock, IOptions<NotificationOptions> options)
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["category"] = "类别", ["domain"] = "领域", ["technology"] = "技术", ["region"] = "地点", ["scenario"] = "场景",
    };

    public static readonly IReadOnlyList<string> Frequencies = ["instant", "daily", "weekly"];

    public async Task<FollowPage> ListAsync(Guid userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var frequency = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select frequency from notifications.follow_settings where user_id = @userId", new { userId }, cancellationToken: ct)) ?? "daily";
        var rows = (await conn.QueryAsync<(string Kind, string Value, string? Title)>(new CommandDefinition("""
            select f.kind, f.value, s.title from notifications.follows f
            left join scenarios.scenarios s on f.kind = 'scenario' and s.id::text = f.value
            where f.user_id = @userId order by f.kind, f.value
            """, new { userId }, cancellationToken: ct))).ToList();
        return new FollowPage(frequency, rows.Select(r => new FollowRow(r.Kind, r.Value,
            $"{Kinds[r.Kind]}：{(r.Kind == "category" ? Labels.Category(r.Value) : r.Title ?? r.Value)}")).ToList());
    }

    public async Task<Result<bool>> AddAsync(Guid userId, string? kind, string? value, CancellationToken ct)
    {
        value = value?.Trim() ?? "";
        if (kind is null || !Kinds.ContainsKey(kind)) return Error.Invalid("follow_kind", "请选择关注的类型", "Kind");
        if (value.Length is < 1 or > 100) return Error.Invalid("follow_value", "请填写关注的内容（1–100 字）", "Value");
        if (kind == "category" && !ScenarioCategory.All.Contains(value)) return Error.Invalid("follow_category", "没有这个场景类别", "Value");
        if (kind == "scenario" && (!Guid.TryParse(value, out var id) || await scenarios.GetAsync(id, ct) is not { IsPublic: true }))
            return Error.NotFound("scenario_not_found", "场景不存在");
        await using var conn = await db.OpenConnectionAsync(ct);
        var count = await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from notifications.follows where user_id = @userId", new { userId }, cancellationToken: ct));
        if (count >= 100) return Error.Conflict("too_many_follows", "最多关注 100 项");
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.follows (user_id, kind, value, created_at) values (@userId, @kind, @value, @now) on conflict do nothing
            """, new { userId, kind, value, now = clock.GetUtcNow() }, cancellationToken: ct));
        return true;
    }

    public async Task RemoveAsync(Guid userId, string? kind, string? value, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from notifications.follows where user_id = @userId and kind = @kind and value = @value", new { userId, kind, value }, cancellationToken: ct));
    }

    public async Task<Result<bool>> SetFrequencyAsync(Guid userId, string? frequency, CancellationToken ct)
    {
        if (frequency is null || !Frequencies.Contains(frequency)) return Error.Invalid("follow_frequency", "请选择即时、每日或每周", "Frequency");
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.follow_settings (user_id, frequency, updated_at) values (@userId, @frequency, @now)
            on conflict (user_id) do update set frequency = excluded.frequency, updated_at = excluded.updated_at
            """, new { userId, frequency, now = clock.GetUtcNow() }, cancellationToken: ct));
        return true;
    }

    private Dictionary<string, object?> ScenarioModel(Scenario s) => new()
    {
        ["title"] = s.Title, ["code"] = s.Code, ["summary"] = s.Summary, ["deadline"] = Labels.Time(s.ClosesAt), ["link"] = links.Scenario(s.Id),
    };

    /// <summary>
    /// A scenario was published (inside the outbox transaction): followers it matches get an instant alert, or an entry
    /// for their next digest (also when the daily cap holds an alert back). People who may not see it get nothing.
    /// </summary>
    public async Task<int> OnPublishedAsync(Scenario s, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var matches = (await conn.QueryAsync<(Guid UserId, string Email, string Name, string Frequency, string? Region, string[] Reasons)>(new CommandDefinition("""
            select u.id, u.email, u.display_name, coalesce(fs.frequency, 'daily'), e.region,
                   array_agg(f.kind || '|' || f.value order by f.kind, f.value)
            from notifications.follows f
            join accounts.users u on u.id = f.user_id
            left join enterprises.enterprises e on e.id = u.enterprise_id
            left join notifications.follow_settings fs on fs.user_id = u.id
            where (f.kind = 'category' and f.value = @Category) or (f.kind = 'domain' and f.value = @Domain)
               or (f.kind = 'technology' and f.value = any(@Technologies)) or (f.kind = 'region' and strpos(@Location, f.value) > 0)
            group by u.id, u.email, u.display_name, fs.frequency, e.region
            """, new { s.Category, s.Domain, Technologies = s.Technologies.ToArray(), s.Location }, tx, cancellationToken: ct))).ToList();
        var alerted = 0;
        foreach (var m in matches)
        {
            if (!s.IsVisibleTo(m.Region, isStaff: false)) continue; // partner-only scenarios reach partner regions only
            var reason = string.Join("、", m.Reasons.Select(r => r.Split('|', 2)).Select(p => $"{Kinds[p[0]]}：{(p[0] == "category" ? Labels.Category(p[1]) : p[1])}"));
            if (m.Frequency == "instant")
            {
                var model = ScenarioModel(s);
                model["name"] = m.Name;
                model["reason"] = reason;
                var delivery = await mailer.OptionalAsync(conn, tx, "follow-alert", "follow", model, $"notifications.follow_alert.v1:{s.Id}:{m.Email.ToLowerInvariant()}", m.Email, ct);
                if (delivery is Delivery.Queued or Delivery.Duplicate or Delivery.TurnedOff)
                {
                    if (delivery == Delivery.Queued) alerted++;
                    continue;
                }
            }
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into notifications.digest_items (user_id, scenario_id, reason, created_at) values (@UserId, @ScenarioId, @reason, @now) on conflict do nothing
                """, new { m.UserId, ScenarioId = s.Id, reason, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
        }
        return alerted;
    }

    /// <summary>The scheduler's step: reminders and digests that are due now. Returns how many emails were queued.</summary>
    public async Task<int> RunAsync(CancellationToken ct) =>
        await DeadlineRemindersAsync(ct) + await MilestoneRemindersAsync(ct) + await DigestsAsync(ct);

    /// <summary>
    /// For each configured lead (e.g. 3 and 1 days), once a scenario is that close to its deadline (and not yet within
    /// the next shorter lead), firms with a draft and followers of the scenario are reminded — once, by dedupe key.
    /// </summary>
    public async Task<int> DeadlineRemindersAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var leads = options.Value.DeadlineReminderDays.Where(d => d > 0).Distinct().OrderByDescending(d => d).ToList();
        var queued = 0;
        var loaded = new Dictionary<Guid, Scenario?>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        for (var i = 0; i < leads.Count; i++)
        {
            var from = now + TimeSpan.FromDays(i + 1 < leads.Count ? leads[i + 1] : 0);
            var to = now + TimeSpan.FromDays(leads[i]);
            var rows = (await conn.QueryAsync<(Guid ScenarioId, string Email, string Name, bool Draft)>(new CommandDefinition("""
                select s.id, u.email, u.display_name, true
                from scenarios.scenarios s join scenarios.applications a on a.scenario_id = s.id and a.status = 'draft'
                join accounts.users u on u.id = a.submitted_by
                where s.status = 'published' and s.closes_at > @from and s.closes_at <= @to
                union
                select s.id, u.email, u.display_name, false
                from scenarios.scenarios s join notifications.follows f on f.kind = 'scenario' and f.value = s.id::text
                join accounts.users u on u.id = f.user_id
                where s.status = 'published' and s.closes_at > @from and s.closes_at <= @to
                  and not exists (select 1 from scenarios.applications a where a.scenario_id = s.id and a.submitted_by = u.id and a.status = 'draft')
                """, new { from, to }, tx, cancellationToken: ct))).ToList();
            foreach (var r in rows)
            {
                if (!loaded.TryGetValue(r.ScenarioId, out var s)) loaded[r.ScenarioId] = s = await scenarios.GetAsync(r.ScenarioId, ct);
                if (s is null) continue;
                var model = ScenarioModel(s);
                model["name"] = r.Name;
                model["days"] = Math.Max(1, (int)Math.Ceiling((s.ClosesAt - now).TotalDays));
                model["draft"] = r.Draft;
                if (await mailer.OptionalAsync(conn, tx, "deadline-reminder", "deadline", model,
                        $"notifications.deadline_reminder.v1:{s.Id}:{leads[i]}:{r.Email.ToLowerInvariant()}", r.Email, ct) == Delivery.Queued)
                    queued++;
            }
        }
        await tx.CommitAsync(ct);
        return queued;
    }

    /// <summary>Milestones due within the configured days (no evidence yet) and overdue ones: the delivering firm's members are told, once each.</summary>
    public async Task<int> MilestoneRemindersAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = (await conn.QueryAsync<(Guid Id, string Title, DateTime DueAt, bool Overdue, string Firm, string Email, string ScenarioTitle, string Code)>(new CommandDefinition("""
            select m.id, m.title, m.due_at, m.overdue_at is not null, e.name, u.email, s.title, s.code
            from scenarios.milestones m join scenarios.awards w on w.id = m.award_id
            join scenarios.scenarios s on s.id = w.scenario_id join enterprises.enterprises e on e.id = w.enterprise_id
            join accounts.users u on u.enterprise_id = w.enterprise_id
            where w.status = 'active' and m.verdict is null
              and (m.overdue_at is not null or (m.evidence is null and m.due_at > @now and m.due_at <= @soon))
            """, new { now, soon = now.AddDays(options.Value.MilestoneReminderDays) }, tx, cancellationToken: ct))).ToList();
        var queued = 0;
        foreach (var r in rows)
        {
            var kind = r.Overdue ? "overdue" : "due";
            if (await mailer.EssentialAsync(conn, tx, $"milestone-{kind}", new Dictionary<string, object?>
                {
                    ["firm"] = r.Firm, ["milestone"] = r.Title, ["title"] = r.ScenarioTitle, ["code"] = r.Code,
                    ["due"] = Labels.Time(new DateTimeOffset(DateTime.SpecifyKind(r.DueAt, DateTimeKind.Utc))), ["link"] = links.Absolute("/firm/milestones"),
                }, $"notifications.milestone_{kind}.v1:{r.Id}:{r.Email.ToLowerInvariant()}", r.Email, ct) == Delivery.Queued)
                queued++;
        }
        await tx.CommitAsync(ct);
        return queued;
    }

    /// <summary>
    /// After the digest hour (Beijing time): daily digests once a day, weekly ones on Mondays, and pending items of
    /// instant followers that the daily cap held back. One email per person with every pending item.
    /// </summary>
    public async Task<int> DigestsAsync(CancellationToken ct)
    {
        var beijing = clock.GetUtcNow().ToOffset(Labels.Beijing);
        if (beijing.Hour < options.Value.DigestHour) return 0;
        var todayStart = new DateTimeOffset(beijing.Date, Labels.Beijing);
        var monday = beijing.DayOfWeek == DayOfWeek.Monday;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<(Guid UserId, string Email, string Name, string Frequency)>(new CommandDefinition("""
            select u.id, u.email, u.display_name, coalesce(fs.frequency, 'daily')
            from accounts.users u left join notifications.follow_settings fs on fs.user_id = u.id
            where exists (select 1 from notifications.digest_items d where d.user_id = u.id and d.sent_at is null)
              and (fs.last_digest_at is null or fs.last_digest_at < @todayStart)
              and (coalesce(fs.frequency, 'daily') <> 'weekly' or @monday)
            """, new { todayStart = todayStart.ToUniversalTime(), monday }, tx, cancellationToken: ct))).ToList();
        var queued = 0;
        foreach (var user in due)
        {
            var items = (await conn.QueryAsync<(Guid ScenarioId, string Title, string Code, DateTime ClosesAt, string Reason)>(new CommandDefinition("""
                select d.scenario_id, s.title, s.code, s.closes_at, d.reason from notifications.digest_items d
                join scenarios.scenarios s on s.id = d.scenario_id
                where d.user_id = @UserId and d.sent_at is null order by s.closes_at
                """, new { user.UserId }, tx, cancellationToken: ct))).ToList();
            var weekly = user.Frequency == "weekly";
            var delivery = await mailer.OptionalAsync(conn, tx, "digest", "digest", new Dictionary<string, object?>
            {
                ["name"] = user.Name, ["count"] = items.Count, ["period"] = weekly ? "每周" : "每日", ["periodEn"] = weekly ? "weekly" : "daily",
                ["items"] = items.Select(i => $"{i.Title}（{i.Code}，截止 {Labels.Time(new DateTimeOffset(DateTime.SpecifyKind(i.ClosesAt, DateTimeKind.Utc)))}；{i.Reason}）").ToList(),
                ["link"] = links.Absolute("/scenarios"),
            }, $"notifications.digest.v1:{user.UserId}:{beijing:yyyy-MM-dd}", user.Email, ct);
            if (delivery == Delivery.OverCap) continue; // tomorrow
            await conn.ExecuteAsync(new CommandDefinition("""
                update notifications.digest_items set sent_at = @now where user_id = @UserId and sent_at is null and scenario_id = any(@ids);
                insert into notifications.follow_settings (user_id, frequency, last_digest_at, updated_at) values (@UserId, @Frequency, @now, @now)
                on conflict (user_id) do update set last_digest_at = excluded.last_digest_at
                """, new { now = clock.GetUtcNow(), user.UserId, user.Frequency, ids = items.Select(i => i.ScenarioId).ToArray() }, tx, cancellationToken: ct));
            if (delivery == Delivery.Queued) queued++;
        }
        await tx.CommitAsync(ct);
        return queued;
    }
}
