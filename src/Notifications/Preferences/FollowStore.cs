using Dapper;
using Npgsql;

namespace Marketplace.Notifications.Preferences;

public sealed record Follow(string Kind, string Value);

/// <summary>A follower a new scenario matches, with what they follow that matched (<c>kind|value</c>).</summary>
public sealed record MatchedFollower
{
    public Guid UserId { get; init; }
    public string Email { get; init; } = "";
    public string Name { get; init; } = "";
    public string Frequency { get; init; } = "";
    public string? Region { get; init; }
    public string[] Reasons { get; init; } = [];
}

public sealed record DigestRecipient
{
    public Guid UserId { get; init; }
    public string Email { get; init; } = "";
    public string Name { get; init; } = "";
    public string Frequency { get; init; } = "";
}

public sealed record DigestItem
{
    public Guid ScenarioId { get; init; }
    public string Title { get; init; } = "";
    public string Code { get; init; } = "";
    public DateTimeOffset ClosesAt { get; init; }
    public string Reason { get; init; } = "";
}

/// <summary>
/// What people follow (categories, domains, technologies, regions, single scenarios), how often they hear of it, and
/// the items waiting for their digest. People and scenarios are read through the views their modules publish.
/// </summary>
public sealed class FollowStore(NpgsqlDataSource db)
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["category"] = "类别", ["domain"] = "领域", ["technology"] = "技术", ["region"] = "地点", ["scenario"] = "场景",
    };

    public static readonly IReadOnlyList<string> Frequencies = ["instant", "daily", "weekly"];

    /// <summary>How often the person hears of new matches (daily when never chosen).</summary>
    public async Task<string> FrequencyAsync(Guid userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select frequency from notifications.follow_settings where user_id = @userId", new { userId }, cancellationToken: ct)) ?? "daily";
    }

    public async Task<IReadOnlyList<Follow>> ListAsync(Guid userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Follow>(new CommandDefinition(
            "select kind, value from notifications.follows where user_id = @userId order by kind, value", new { userId }, cancellationToken: ct))).ToList();
    }

    public async Task<int> CountAsync(Guid userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from notifications.follows where user_id = @userId", new { userId }, cancellationToken: ct));
    }

    public async Task AddAsync(Guid userId, string kind, string value, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.follows (user_id, kind, value, created_at) values (@userId, @kind, @value, @now) on conflict do nothing
            """, new { userId, kind, value, now }, cancellationToken: ct));
    }

    public async Task RemoveAsync(Guid userId, string? kind, string? value, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "delete from notifications.follows where user_id = @userId and kind = @kind and value = @value", new { userId, kind, value }, cancellationToken: ct));
    }

    public async Task SetFrequencyAsync(Guid userId, string frequency, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.follow_settings (user_id, frequency, updated_at) values (@userId, @frequency, @now)
            on conflict (user_id) do update set frequency = excluded.frequency, updated_at = excluded.updated_at
            """, new { userId, frequency, now }, cancellationToken: ct));
    }

    /// <summary>Everyone whose follows match a scenario with these facts, with their firm's region (null for staff).</summary>
    public async Task<IReadOnlyList<MatchedFollower>> FollowersOfAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string category, string domain,
        IReadOnlyList<string> technologies, string location, CancellationToken ct) =>
        (await conn.QueryAsync<MatchedFollower>(new CommandDefinition("""
            select u.id as user_id, u.email, u.display_name as name, coalesce(fs.frequency, 'daily') as frequency, e.region,
                   array_agg(f.kind || '|' || f.value order by f.kind, f.value) as reasons
            from notifications.follows f
            join accounts.users_view u on u.id = f.user_id
            left join enterprises.firms_view e on e.id = u.enterprise_id
            left join notifications.follow_settings fs on fs.user_id = u.id
            where (f.kind = 'category' and f.value = @category) or (f.kind = 'domain' and f.value = @domain)
               or (f.kind = 'technology' and f.value = any(@technologies)) or (f.kind = 'region' and strpos(@location, f.value) > 0)
            group by u.id, u.email, u.display_name, fs.frequency, e.region
            """, new { category, domain, technologies = technologies.ToArray(), location }, tx, cancellationToken: ct))).ToList();

    /// <summary>Keeps a scenario for the person's next digest (once per person and scenario).</summary>
    public Task AddDigestItemAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, Guid scenarioId, string reason, DateTimeOffset now,
        CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.digest_items (user_id, scenario_id, reason, created_at) values (@userId, @scenarioId, @reason, @now) on conflict do nothing
            """, new { userId, scenarioId, reason, now }, tx, cancellationToken: ct));

    /// <summary>
    /// People with items waiting whose digest is due: none sent since <paramref name="todayStart"/>, and weekly ones
    /// only when <paramref name="monday"/>.
    /// </summary>
    public async Task<IReadOnlyList<DigestRecipient>> DueDigestsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset todayStart, bool monday,
        CancellationToken ct) =>
        (await conn.QueryAsync<DigestRecipient>(new CommandDefinition("""
            select u.id as user_id, u.email, u.display_name as name, coalesce(fs.frequency, 'daily') as frequency
            from accounts.users_view u left join notifications.follow_settings fs on fs.user_id = u.id
            where exists (select 1 from notifications.digest_items d where d.user_id = u.id and d.sent_at is null)
              and (fs.last_digest_at is null or fs.last_digest_at < @todayStart)
              and (coalesce(fs.frequency, 'daily') <> 'weekly' or @monday)
            """, new { todayStart = todayStart.ToUniversalTime(), monday }, tx, cancellationToken: ct))).ToList();

    /// <summary>The items waiting for a person's digest, soonest deadline first.</summary>
    public async Task<IReadOnlyList<DigestItem>> PendingDigestItemsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        (await conn.QueryAsync<DigestItem>(new CommandDefinition("""
            select d.scenario_id, s.title, s.code, s.closes_at, d.reason from notifications.digest_items d
            join scenarios.scenarios_view s on s.id = d.scenario_id
            where d.user_id = @userId and d.sent_at is null order by s.closes_at
            """, new { userId }, tx, cancellationToken: ct))).ToList();

    public Task MarkDigestItemsSentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, IReadOnlyList<Guid> scenarioIds, DateTimeOffset now,
        CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            "update notifications.digest_items set sent_at = @now where user_id = @userId and sent_at is null and scenario_id = any(@ids)",
            new { now, userId, ids = scenarioIds.ToArray() }, tx, cancellationToken: ct));

    /// <summary>Remembers when the person's last digest went out (keeping the frequency they have).</summary>
    public Task RecordDigestSentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, string frequency, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.follow_settings (user_id, frequency, last_digest_at, updated_at) values (@userId, @frequency, @now, @now)
            on conflict (user_id) do update set last_digest_at = excluded.last_digest_at
            """, new { userId, frequency, now }, tx, cancellationToken: ct));
}
