using Dapper;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Site;
using Marketplace.BuildingBlocks.Time;
using Marketplace.Notifications.Preferences;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Notifications.Email;

/// <summary>Section <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";
    /// <summary>Non-essential emails (invitations, follow alerts, digests, reminders) one address gets per day at most.</summary>
    public int DailyCap { get; set; } = 5;
    /// <summary>Deadline reminders, in days before closing, to firms with a draft and to followers of the scenario.</summary>
    public int[] DeadlineReminderDays { get; set; } = [3, 1];
    /// <summary>Milestone reminders this many days before the due date, to the delivering firm.</summary>
    public int MilestoneReminderDays { get; set; } = 7;
    /// <summary>Digests go out after this hour (Beijing time); weekly ones on Mondays.</summary>
    public int DigestHour { get; set; } = 8;
}

/// <summary>Absolute links for emails and feeds.</summary>
public sealed class SiteLinks(IOptions<SiteOptions> site)
{
    public string Absolute(string path) => site.Value.BaseUrl.TrimEnd('/') + path;
    public string Scenario(Guid id) => Absolute($"/scenarios/{id}");
}

public enum Delivery { Queued, Duplicate, TurnedOff, OverCap }

/// <summary>
/// Puts emails into the outbox, inside the caller's transaction. Essential mail goes as it is. Non-essential mail is
/// skipped for people who turned that kind off, carries a one-click unsubscribe link, and counts against the daily
/// cap per address (the counter row is updated in the same transaction, so a rolled-back change leaves it as it was).
/// </summary>
public sealed class Mailer(Unsubscribe unsubscribe, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public async Task<Delivery> EssentialAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string template, IReadOnlyDictionary<string, object?> model,
        string dedupeKey, string to, CancellationToken ct) =>
        await OutboxEnqueue.EmailAsync(conn, tx, EmailTemplates.Render(template, model, dedupeKey, to), clock.GetUtcNow(), ct)
            ? Delivery.Queued : Delivery.Duplicate;

    /// <param name="preference">The kind people switch off (<see cref="Unsubscribe.Kinds"/>).</param>
    public async Task<Delivery> OptionalAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string template, string preference,
        IReadOnlyDictionary<string, object?> model, string dedupeKey, string to, CancellationToken ct)
    {
        to = to.Trim().ToLowerInvariant();
        if ((await unsubscribe.TurnedOffAsync(to, ct)).Contains(preference)) return Delivery.TurnedOff;
        if (await OutboxStore.ExistsAsync(conn, tx, dedupeKey, ct)) return Delivery.Duplicate;
        if (!await CountAsync(conn, tx, to, ct)) return Delivery.OverCap;
        var email = EmailTemplates.Render(template, model, dedupeKey, to, await unsubscribe.LinkAsync(to, preference, ct));
        return await OutboxEnqueue.EmailAsync(conn, tx, email, clock.GetUtcNow(), ct) ? Delivery.Queued : Delivery.Duplicate;
    }

    /// <summary>Takes one of today's non-essential sends for an address, or says the cap is reached.</summary>
    private async Task<bool> CountAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string email, CancellationToken ct)
    {
        var day = BeijingCalendar.Today(clock).ToDateTime(TimeOnly.MinValue);
        var count = await conn.ExecuteScalarAsync<int?>(new CommandDefinition("""
            insert into notifications.daily_sends (email, day, count) values (@email, @day, 1)
            on conflict (email, day) do update set count = daily_sends.count + 1 where daily_sends.count < @cap
            returning count
            """, new { email, day, cap = options.Value.DailyCap }, tx, cancellationToken: ct));
        return count is not null;
    }
}
