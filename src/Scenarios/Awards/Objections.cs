using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Scenarios.Awards;

/// <summary>Section <c>Objections</c>: how long a confirmation link lives and how often objections may be filed.</summary>
public sealed class ObjectionOptions
{
    public const string Section = "Objections";
    /// <summary>How long the link that confirms an objection filed with an email address stays usable.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Objection posts allowed per client address and hour (the host's named rate-limit policy).</summary>
    public int PermitsPerAddressPerHour { get; set; } = 10;
    /// <summary>Objection posts allowed per objector identity (normalised email or account) and hour.</summary>
    public int PermitsPerIdentityPerHour { get; set; } = 3;
}

/// <summary>Who files an objection: a signed-in account (any role), or a person giving an email address to confirm.</summary>
/// <param name="UserId">The signed-in account, whose <paramref name="Email"/> is its own (known, so confirmed at once).</param>
public sealed record ObjectionCommand(Guid ScenarioId, string? Name, string? Email, string? Content, Guid? UserId = null);

/// <summary>The objection filed; <paramref name="Confirmed"/> false means a confirmation email is on its way.</summary>
public sealed record FiledObjection(Guid Id, bool Confirmed, DateTimeOffset? ConfirmBy);

/// <summary>An objection as officers see it: with the objector's identity, which public pages never show.</summary>
public sealed record Objection
{
    public Guid Id { get; init; }
    public Guid ScenarioId { get; init; }
    public DateTimeOffset FiledAt { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
    public string FilerName { get; init; } = "";
    /// <summary>The confirmed email address (or the account's); null for objections filed before confirmation existed.</summary>
    public string? FilerEmail { get; init; }
    /// <summary>The contact left by objections filed before confirmation existed.</summary>
    public string? FilerContact { get; init; }
    /// <summary>Filed by a signed-in account rather than through an emailed link.</summary>
    public bool SignedIn { get; init; }
    public string Content { get; init; } = "";
    public string? Answer { get; init; }
    public string? Outcome { get; init; }
}

/// <summary>An objection with the address its filer is reached at: for the emails, never shown publicly.</summary>
public sealed record ObjectionContact
{
    public Guid Id { get; init; }
    public Guid ScenarioId { get; init; }
    public string FilerName { get; init; } = "";
    public string? FilerEmail { get; init; }
    public string? FilerContact { get; init; }
    public string Content { get; init; } = "";
    public string? Answer { get; init; }
}

/// <summary>The rules of an objection's filer and text, pure so the host and tests use the same ones.</summary>
public static partial class ObjectionRules
{
    public const int MaxName = 60;
    public const int MaxEmail = 254;
    public const int MinContent = 10;
    public const int MaxContent = 5000;

    public static IReadOnlyList<Error> Check(ObjectionCommand c)
    {
        var errors = new List<Error>();
        if (c.Name?.Trim().Length is not (>= 2 and <= MaxName)) errors.Add(Error.Invalid("name_required", $"请填写姓名或单位（2–{MaxName} 字）", "Name"));
        if (c.UserId is null && Address(c.Email) is null)
            errors.Add(Error.Invalid("email_required", "请填写有效的电子邮箱，用于确认异议和接收答复", "Email"));
        if (c.Content?.Trim().Length is not (>= MinContent and <= MaxContent))
            errors.Add(Error.Invalid("content_length", $"异议内容应为 {MinContent}–{MaxContent} 字", "Content"));
        return errors;
    }

    /// <summary>The address mail goes to (trimmed, lower case), or null when it is not one plain address.</summary>
    public static string? Address(string? email)
    {
        var e = email?.Trim().ToLowerInvariant();
        if (e is null || e.Length is < 3 or > MaxEmail || !MailAddress.TryCreate(e, out var parsed) || parsed.Address != e || parsed.DisplayName.Length > 0) return null;
        return e.Split('@')[1].Contains('.') ? e : null;
    }

    /// <summary>The identity of an address: lower case without a +tag (a+x@b and A@b are one person).</summary>
    public static string IdentityKey(string address)
    {
        var at = address.LastIndexOf('@');
        var local = address[..at];
        var plus = local.IndexOf('+');
        return (plus > 0 ? local[..plus] : local) + address[at..].ToLowerInvariant();
    }

    /// <summary>The same words with other spacing are the same text.</summary>
    public static string ContentHash(string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Spaces().Replace(content.Trim(), " "))));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

/// <summary>
/// Objections (异议) during publicity (公示). A signed-in account's objection counts at once; one filed with an email
/// address is stored unconfirmed and counts only once the single-use, expiring link sent to that address is followed.
/// Only counted objections notify officers and hold the award; unconfirmed ones expire and are deleted. One open
/// objection per scenario and person, and the same text only once per scenario (unique indexes are the guarantee).
/// </summary>
public sealed class ObjectionProcess(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox, IOptions<ObjectionOptions> options)
{
    public async Task<Result<FiledObjection>> FileAsync(ObjectionCommand c, CancellationToken ct)
    {
        var errors = ObjectionRules.Check(c);
        if (errors.Count > 0) return Result<FiledObjection>.Fail(errors);
        var address = ObjectionRules.Address(c.Email);
        if (address is null) return Error.Invalid("email_required", "账号没有可用的电子邮箱", "Email");
        var key = ObjectionRules.IdentityKey(address);
        var content = c.Content!.Trim();
        var contentHash = ObjectionRules.ContentHash(content);
        var now = clock.GetUtcNow();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // FOR SHARE: the scheduler ending publicity (FOR UPDATE SKIP LOCKED) waits for this objection or passes this round.
        if (!await PublicityOpenAsync(conn, tx, c.ScenarioId, now, ct)) return Error.Conflict("publicity_not_open", "该场景不在公示期内");
        await conn.ExecuteAsync(new CommandDefinition("""
            delete from scenarios.objections where scenario_id = @ScenarioId and confirmed_at is null and confirm_expires_at <= @now
            """, new { c.ScenarioId, now }, tx, cancellationToken: ct));
        var clash = (await conn.QueryAsync<(bool SameFiler, bool Confirmed)>(new CommandDefinition("""
            select filer_key = @key, confirmed_at is not null from scenarios.objections
            where scenario_id = @ScenarioId and ((filer_key = @key and answered_at is null) or content_hash = @contentHash)
            order by filer_key = @key desc limit 1
            """, new { c.ScenarioId, key, contentHash }, tx, cancellationToken: ct))).ToList();
        if (clash.Count > 0) return Duplicate(clash[0].SameFiler, clash[0].Confirmed);

        var id = Guid.CreateVersion7();
        var confirmed = c.UserId is not null;
        var (token, tokenHash) = confirmed ? (null, null) : NewToken();
        var expires = confirmed ? (DateTimeOffset?)null : now + options.Value.ConfirmationLifetime;
        try
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into scenarios.objections (id, scenario_id, filed_at, filer_name, filer_email, filer_key, filer_user_id, content, content_hash,
                                                  confirmed_at, confirm_token_hash, confirm_expires_at)
                values (@id, @ScenarioId, @now, @name, @address, @key, @UserId, @content, @contentHash, @confirmedAt, @tokenHash, @expires)
                """, new
                {
                    id, c.ScenarioId, now, name = c.Name!.Trim(), address, key, c.UserId, content, contentHash,
                    confirmedAt = confirmed ? now : (DateTimeOffset?)null, tokenHash, expires,
                }, tx, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another request of the same person or text won the race between the check above and this insert: the index said no.
            return Duplicate(e.ConstraintName == "objections_one_open_per_filer", confirmed: false);
        }
        if (confirmed)
            await CountAsync(conn, tx, id, c.ScenarioId, c.UserId, now, ct);
        else
            await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ObjectionConfirmationRequestedV1, $"{ScenarioEvents.ObjectionConfirmationRequestedV1}:{id}",
                new ObjectionConfirmationRequested(id, c.ScenarioId, address, c.Name.Trim(), token!, expires!.Value), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return new FiledObjection(id, confirmed, expires);
    }

    /// <summary>Whether a confirmation link still works (the page shows its button only then); changes nothing.</summary>
    public async Task<Result<Guid>> CheckTokenAsync(string? token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pending = await PendingAsync(conn, tx, token, now, ct);
        return pending.IsSuccess ? pending.Value.ScenarioId : Result<Guid>.Fail(pending.Errors);
    }

    /// <summary>Follows a confirmation link: the objection counts from now on (officers are told, the award waits for it).</summary>
    public async Task<Result<Guid>> ConfirmAsync(string? token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pending = await PendingAsync(conn, tx, token, now, ct);
        if (!pending.IsSuccess) return Result<Guid>.Fail(pending.Errors);
        var o = pending.Value;
        var confirmed = await conn.ExecuteAsync(new CommandDefinition("""
            update scenarios.objections set confirmed_at = @now, confirm_token_hash = null
            where id = @Id and confirmed_at is null and confirm_expires_at > @now
            """, new { o.Id, now }, tx, cancellationToken: ct));
        if (confirmed == 0) return TokenUnknown(); // the same link followed twice at once: the other request counted it
        await CountAsync(conn, tx, o.Id, o.ScenarioId, null, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return o.ScenarioId;
    }

    /// <summary>The unconfirmed objection a link names, if the link is known, unused and unexpired and publicity still runs.</summary>
    private static async Task<Result<PendingObjection>> PendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string? token, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100) return TokenUnknown();
        var o = await conn.QuerySingleOrDefaultAsync<PendingObjection>(new CommandDefinition("""
            select id, scenario_id, confirm_expires_at as expires_at from scenarios.objections where confirm_token_hash = @hash and confirmed_at is null
            """, new { hash = HashToken(token) }, tx, cancellationToken: ct));
        if (o is null) return TokenUnknown();
        if (o.ExpiresAt <= now) return Error.Invalid("objection_link_expired", "确认链接已过期，该异议未生效。公示期内可重新提交异议。");
        // FOR SHARE, as when filing: publicity cannot end between this check and the confirmation.
        if (!await PublicityOpenAsync(conn, tx, o.ScenarioId, now, ct)) return Error.Conflict("publicity_not_open", "公示已结束，该异议未生效。");
        return o;
    }

    /// <summary>Deletes unconfirmed objections whose link expired (the scheduler; they never counted).</summary>
    public async Task<int> DeleteExpiredUnconfirmedAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "delete from scenarios.objections where confirmed_at is null and confirm_expires_at <= @now", new { now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<Result<Guid>> AnswerAsync(Guid objectionId, Guid officerId, string? answer, bool upheld, CancellationToken ct)
    {
        if (answer?.Trim().Length is not (>= 5 and <= 5000)) return Error.Invalid("answer_required", "请写明答复（5–5000 字）", "Answer");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenarioId = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update scenarios.objections set answered_at = @now, answered_by = @officerId, answer = @answer, outcome = @outcome
            where id = @objectionId and answered_at is null and confirmed_at is not null
            returning scenario_id
            """, new { objectionId, now, officerId, answer = answer.Trim(), outcome = upheld ? "upheld" : "dismissed" }, tx, cancellationToken: ct));
        if (scenarioId is null) return Error.Conflict("already_answered", "该异议已答复或不存在");
        await AuditLog.AppendAsync(conn, tx, officerId, "objection.answered", "scenario", scenarioId.Value.ToString(), null,
            new { objection = objectionId, outcome = upheld ? "upheld" : "dismissed" }, now, ct);
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ObjectionAnsweredV1, $"{ScenarioEvents.ObjectionAnsweredV1}:{objectionId}",
            new ObjectionAnswered(objectionId, scenarioId.Value, upheld ? "upheld" : "dismissed"), now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return objectionId;
    }

    /// <summary>The objections that count (confirmed), with their filers: for officers only.</summary>
    public async Task<IReadOnlyList<Objection>> ListAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Objection>(new CommandDefinition("""
            select id, scenario_id, filed_at, confirmed_at, filer_name, filer_email, filer_contact, filer_user_id is not null as signed_in,
                   content, answer, outcome
            from scenarios.objections
            where scenario_id = @scenarioId and confirmed_at is not null order by confirmed_at
            """, new { scenarioId }, cancellationToken: ct))).ToList();
    }

    public async Task<ObjectionContact?> GetContactAsync(Guid objectionId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ObjectionContact>(new CommandDefinition("""
            select id, scenario_id, filer_name, filer_email, filer_contact, content, answer from scenarios.objections where id = @objectionId
            """, new { objectionId }, cancellationToken: ct));
    }

    private static async Task<bool> PublicityOpenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid scenarioId, DateTimeOffset now, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<bool?>(new CommandDefinition("""
            select true from scenarios.scenarios where id = @scenarioId and status = 'publicity' and publicity_ends_at > @now for share
            """, new { scenarioId, now }, tx, cancellationToken: ct)) == true;

    /// <summary>The objection now counts: audited, and officers are told through the outbox (once: the dedupe key is the objection).</summary>
    private static async Task CountAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, Guid scenarioId, Guid? userId, DateTimeOffset now, CancellationToken ct)
    {
        await AuditLog.AppendAsync(conn, tx, userId, "objection.filed", "scenario", scenarioId.ToString(), null,
            new { objection = id, via = userId is null ? "email_link" : "account" }, now, ct);
        await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ObjectionFiledV1, $"{ScenarioEvents.ObjectionFiledV1}:{id}", new ObjectionFiled(id, scenarioId), now, ct);
    }

    private static Error Duplicate(bool sameFiler, bool confirmed) => sameFiler
        ? Error.Conflict("objection_open", confirmed
            ? "您对该场景已有一条待答复的异议，答复前不能再提交"
            : "您已提交过异议，请查收确认邮件并点击其中的链接（未确认的异议不生效）")
        : Error.Conflict("objection_duplicate_content", "已有内容相同的异议，请勿重复提交");

    private sealed record PendingObjection
    {
        public Guid Id { get; init; }
        public Guid ScenarioId { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }

    private static Error TokenUnknown() => Error.Invalid("objection_link_invalid", "确认链接无效或已使用：请检查链接是否完整，已确认的异议无需再次确认。");

    /// <summary>32 random bytes for the link; only their SHA-256 is stored.</summary>
    private static (string Token, string Hash) NewToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, HashToken(token));
    }

    private static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
