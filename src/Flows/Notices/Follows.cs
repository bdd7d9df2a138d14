using Marketplace.BuildingBlocks.Results;
using Marketplace.BuildingBlocks.Time;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Preferences;
using Marketplace.Notifications.Reminders;
using Marketplace.Scenarios.Listings;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Flows.Notices;

/// <summary>One follow: its kind, the followed value, and what names it (the title of a followed scenario, else the value).</summary>
public sealed record FollowRow(string Kind, string Value, string Subject);

public sealed record FollowPage(string Frequency, IReadOnlyList<FollowRow> Follows);

/// <summary>
/// Follows and what comes of them: an alert or a digest entry when a matching scenario is published, digests on
/// schedule, deadline reminders (to firms with a draft and to followers of the scenario) and milestone reminders.
/// Every send has a dedupe key, so the scheduler may run on any number of nodes and as often as it likes.
/// </summary>
public sealed class Follows(NpgsqlDataSource db, FollowStore store, ReminderQueries reminders, Mailer mailer, SiteLinks links, ScenarioStore scenarios,
    TimeProvider clock, IOptions<NotificationOptions> options)
{
    private static string Label(string kind, string value) =>
        $"{FollowStore.Kinds[kind]}：{(kind == "category" ? ScenarioCategory.Name(value) : value)}";

    public async Task<FollowPage> ListAsync(Guid userId, CancellationToken ct)
    {
        var frequency = await store.FrequencyAsync(userId, ct);
        var rows = new List<FollowRow>();
        foreach (var f in await store.ListAsync(userId, ct))
        {
            var title = f.Kind == "scenario" && Guid.TryParse(f.Value, out var id) ? (await scenarios.GetAsync(id, ct))?.Title : null;
            rows.Add(new FollowRow(f.Kind, f.Value, title ?? f.Value));
        }
        return new FollowPage(frequency, rows);
    }

    public async Task<Result<bool>> AddAsync(Guid userId, string? kind, string? value, CancellationToken ct)
    {
        value = value?.Trim() ?? "";
        if (kind is null || !FollowStore.Kinds.ContainsKey(kind)) return Error.Invalid("follow_kind", "请选择关注的类型", "Kind");
        if (value.Length is < 1 or > 100) return Error.Invalid("follow_value", "请填写关注的内容（1–100 字）", "Value");
        if (kind == "category" && !ScenarioCategory.All.Contains(value)) return Error.Invalid("follow_category", "没有这个场景类别", "Value");
        if (kind == "scenario" && (!Guid.TryParse(value, out var id) || await scenarios.GetAsync(id, ct) is not { IsPublic: true }))
            return Error.NotFound("scenario_not_found", "场景不存在");
        if (await store.CountAsync(userId, ct) >= 100) return Error.Conflict("too_many_follows", "最多关注 100 项");
        await store.AddAsync(userId, kind, value, clock.GetUtcNow(), ct);
        return true;
    }

    public Task RemoveAsync(Guid userId, string? kind, string? value, CancellationToken ct) => store.RemoveAsync(userId, kind, value, ct);

    public async Task<Result<bool>> SetFrequencyAsync(Guid userId, string? frequency, CancellationToken ct)
    {
        if (frequency is null || !FollowStore.Frequencies.Contains(frequency)) return Error.Invalid("follow_frequency", "请选择即时、每日或每周", "Frequency");
        await store.SetFrequencyAsync(userId, frequency, clock.GetUtcNow(), ct);
        return true;
    }

    private Dictionary<string, object?> ScenarioModel(Scenario s) => new()
    {
        ["title"] = s.Title, ["code"] = s.Code, ["summary"] = s.Summary, ["deadline"] = EmailTemplates.Time(s.ClosesAt), ["link"] = links.Scenario(s.Id),
    };

    /// <summary>
    /// A scenario was published (inside the outbox transaction): followers it matches get an instant alert, or an entry
    /// for their next digest (also when the daily cap holds an alert back). People who may not see it get nothing.
    /// </summary>
    public async Task<int> OnPublishedAsync(Scenario s, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var matches = await store.FollowersOfAsync(conn, tx, s.Category, s.Domain, s.Technologies.ToList(), s.Location, ct);
        var alerted = 0;
        foreach (var m in matches)
        {
            if (!s.IsVisibleTo(m.Region, isStaff: false)) continue; // partner-only scenarios reach partner regions only
            var reason = string.Join("、", m.Reasons.Select(r => r.Split('|', 2)).Select(p => Label(p[0], p[1])));
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
            await store.AddDigestItemAsync(conn, tx, m.UserId, s.Id, reason, clock.GetUtcNow(), ct);
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
            foreach (var r in await reminders.DeadlineRecipientsAsync(conn, tx, from, to, ct))
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
        var rows = await reminders.MilestoneRecipientsAsync(conn, tx, now, now.AddDays(options.Value.MilestoneReminderDays), ct);
        var queued = 0;
        foreach (var r in rows)
        {
            var kind = r.Overdue ? "overdue" : "due";
            if (await mailer.EssentialAsync(conn, tx, $"milestone-{kind}", new Dictionary<string, object?>
                {
                    ["firm"] = r.Firm, ["milestone"] = r.Milestone, ["title"] = r.ScenarioTitle, ["code"] = r.ScenarioCode,
                    ["due"] = EmailTemplates.Time(r.DueAt), ["link"] = links.Absolute("/firm/milestones"),
                }, $"notifications.milestone_{kind}.v1:{r.MilestoneId}:{r.Email.ToLowerInvariant()}", r.Email, ct) == Delivery.Queued)
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
        var now = clock.GetUtcNow();
        if (BeijingCalendar.LocalTime(now).Hour < options.Value.DigestHour) return 0;
        var today = BeijingCalendar.DateOf(now);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = await store.DueDigestsAsync(conn, tx, BeijingCalendar.StartOf(today), today.DayOfWeek == DayOfWeek.Monday, ct);
        var queued = 0;
        foreach (var user in due)
        {
            var items = await store.PendingDigestItemsAsync(conn, tx, user.UserId, ct);
            var weekly = user.Frequency == "weekly";
            var delivery = await mailer.OptionalAsync(conn, tx, "digest", "digest", new Dictionary<string, object?>
            {
                ["name"] = user.Name, ["count"] = items.Count, ["period"] = weekly ? "每周" : "每日", ["periodEn"] = weekly ? "weekly" : "daily",
                ["items"] = items.Select(i => $"{i.Title}（{i.Code}，截止 {EmailTemplates.Time(i.ClosesAt)}；{i.Reason}）").ToList(),
                ["link"] = links.Absolute("/scenarios"),
            }, $"notifications.digest.v1:{user.UserId}:{today:yyyy-MM-dd}", user.Email, ct);
            if (delivery == Delivery.OverCap) continue; // tomorrow
            var sentAt = clock.GetUtcNow();
            await store.MarkDigestItemsSentAsync(conn, tx, user.UserId, items.Select(i => i.ScenarioId).ToList(), sentAt, ct);
            await store.RecordDigestSentAsync(conn, tx, user.UserId, user.Frequency, sentAt, ct);
            if (delivery == Delivery.Queued) queued++;
        }
        await tx.CommitAsync(ct);
        return queued;
    }
}
