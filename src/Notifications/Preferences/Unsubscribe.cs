using System.Security.Cryptography;
using System.Text;
using Dapper;
using Marketplace.BuildingBlocks.Site;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Notifications.Preferences;

/// <summary>
/// Turning off non-essential mail. Links carry the address and the kind signed with HMAC-SHA256, so unsubscribing needs
/// no session (RFC 8058 one-click: a POST to the link, answered without a redirect).
/// </summary>
public sealed class Unsubscribe(NpgsqlDataSource db, IOptions<SiteOptions> site, TimeProvider clock)
{
    /// <summary>The kinds of mail a person may turn off, with their names.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["invitation"] = "揭榜邀请（推荐匹配的场景）/ Invitations to apply",
        ["follow"] = "关注的新场景（即时提醒）/ Alerts for what you follow",
        ["digest"] = "关注的新场景（每日或每周摘要）/ Digests of what you follow",
        ["deadline"] = "申报截止提醒（草稿或关注的场景）/ Deadline reminders",
    };

    private byte[]? _key;

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is not null) return _key;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.signing_keys (name, key, created_at) values ('unsubscribe', @key, @now) on conflict do nothing
            """, new { key = RandomNumberGenerator.GetBytes(32), now = clock.GetUtcNow() }, cancellationToken: ct));
        return _key = await conn.ExecuteScalarAsync<byte[]>(new CommandDefinition(
            "select key from notifications.signing_keys where name = 'unsubscribe'", cancellationToken: ct)) ?? throw new InvalidOperationException("No signing key.");
    }

    public async Task<string> LinkAsync(string email, string kind, CancellationToken ct)
    {
        var payload = $"{email.Trim().ToLowerInvariant()}|{kind}";
        var token = B64(Encoding.UTF8.GetBytes(payload)) + "." + B64(HMACSHA256.HashData(await KeyAsync(ct), Encoding.UTF8.GetBytes(payload)));
        return $"{site.Value.BaseUrl.TrimEnd('/')}/unsubscribe/{token}";
    }

    /// <summary>The (email, kind) a token stands for, or null when it was not signed by us.</summary>
    public async Task<(string Email, string Kind)?> ReadAsync(string? token, CancellationToken ct)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 2 }) return null;
        try
        {
            var payload = FromB64(parts[0]);
            var expected = HMACSHA256.HashData(await KeyAsync(ct), payload);
            if (!CryptographicOperations.FixedTimeEquals(expected, FromB64(parts[1]))) return null;
            var text = Encoding.UTF8.GetString(payload).Split('|');
            return text.Length == 2 && Kinds.ContainsKey(text[1]) ? (text[0], text[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public async Task SetAsync(string email, string kind, bool on, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into notifications.preferences (email, turned_off, updated_at)
            values (@email, case when @on then '{}'::text[] else array[@kind] end, @now)
            on conflict (email) do update set
                turned_off = case when @on then array_remove(notifications.preferences.turned_off, @kind)
                                  else array(select distinct unnest(notifications.preferences.turned_off || array[@kind])) end,
                updated_at = excluded.updated_at
            """, new { email = email.Trim().ToLowerInvariant(), kind, on, now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<IReadOnlySet<string>> TurnedOffAsync(string email, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var off = await conn.ExecuteScalarAsync<string[]?>(new CommandDefinition(
            "select turned_off from notifications.preferences where email = @email", new { email = email.Trim().ToLowerInvariant() }, cancellationToken: ct));
        return (off ?? []).ToHashSet();
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromB64(string s)
    {
        var padded = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}
