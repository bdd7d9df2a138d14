using System.Security.Cryptography;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Scenarios.Attachments;

/// <summary>What a file is attached to: the scenario itself, an application, or a milestone (evidence).</summary>
public sealed record AttachmentOwner(Guid ScenarioId, Guid? ApplicationId = null, Guid? MilestoneId = null);

public sealed record AttachmentUpload(AttachmentOwner Owner, string? FileName, byte[] Content, Guid UploadedBy);

public sealed record AttachmentInfo
{
    public Guid Id { get; init; }
    public Guid ScenarioId { get; init; }
    public Guid? ApplicationId { get; init; }
    public Guid? MilestoneId { get; init; }
    public string FileName { get; init; } = "";
    public string ContentType { get; init; } = "";
    public int SizeBytes { get; init; }
    public string Sha256 { get; init; } = "";
    public DateTimeOffset UploadedAt { get; init; }
}

/// <summary>
/// Files of the process. Only document and image types are accepted, and the content must look like the type its name
/// claims (a renamed executable is refused). The SHA-256 is kept so a file can be shown to be the one handed in.
/// </summary>
public sealed class AttachmentStore(NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>Who may see or remove an attachment: its owner's context (see <see cref="AttachmentAccess"/>).</summary>
    public Task<AttachmentContext?> AccessContextAsync(Guid attachmentId, Guid? userId, CancellationToken ct) =>
        AttachmentAccess.ContextAsync(db, attachmentId, userId, ct);

    public const int MaxBytes = 10 * 1024 * 1024;
    public const int MaxPerOwner = 10;

    private static readonly Dictionary<string, (string ContentType, byte[][] Magic)> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = ("application/pdf", [[0x25, 0x50, 0x44, 0x46]]),
        [".png"] = ("image/png", [[0x89, 0x50, 0x4E, 0x47]]),
        [".jpg"] = ("image/jpeg", [[0xFF, 0xD8, 0xFF]]),
        [".jpeg"] = ("image/jpeg", [[0xFF, 0xD8, 0xFF]]),
        [".docx"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [[0x50, 0x4B, 0x03, 0x04]]),
        [".xlsx"] = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [[0x50, 0x4B, 0x03, 0x04]]),
        [".pptx"] = ("application/vnd.openxmlformats-officedocument.presentationml.presentation", [[0x50, 0x4B, 0x03, 0x04]]),
        [".zip"] = ("application/zip", [[0x50, 0x4B, 0x03, 0x04]]),
        [".txt"] = ("text/plain; charset=utf-8", []),
    };

    public static string Accept => string.Join(",", Types.Keys);

    /// <summary>The problems with a file, without storing anything.</summary>
    public static Error? Check(string? fileName, byte[] content)
    {
        var name = Path.GetFileName(fileName ?? "").Trim();
        if (name.Length is 0 or > 200) return Error.Invalid("file_name", "文件名应为 1–200 个字符", "File");
        if (content.Length == 0) return Error.Invalid("file_empty", "文件为空", "File");
        if (content.Length > MaxBytes) return Error.Invalid("file_too_large", $"单个文件不能超过 {MaxBytes / 1024 / 1024} MB", "File");
        if (!Types.TryGetValue(Path.GetExtension(name), out var type))
            return Error.Invalid("file_type", $"只接受 {string.Join("、", Types.Keys)} 文件", "File");
        if (type.Magic.Length > 0 && !type.Magic.Any(m => content.AsSpan().StartsWith(m)))
            return Error.Invalid("file_content_mismatch", "文件内容与扩展名不符", "File");
        if (type.Magic.Length == 0 && content.AsSpan(0, Math.Min(content.Length, 8000)).Contains((byte)0))
            return Error.Invalid("file_content_mismatch", "文本文件中含有二进制内容", "File");
        return null;
    }

    public async Task<Result<Guid>> AddAsync(AttachmentUpload u, CancellationToken ct)
    {
        if (Check(u.FileName, u.Content) is { } problem) return problem;
        var now = clock.GetUtcNow();
        var name = Path.GetFileName(u.FileName!).Trim();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var existing = await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            select count(*) from scenarios.attachments
            where scenario_id = @ScenarioId and application_id is not distinct from @ApplicationId and milestone_id is not distinct from @MilestoneId
            """, u.Owner, tx, cancellationToken: ct));
        if (existing >= MaxPerOwner) return Error.Conflict("too_many_files", $"每项最多 {MaxPerOwner} 个附件");
        var id = Guid.CreateVersion7();
        var sha = Convert.ToHexStringLower(SHA256.HashData(u.Content));
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into scenarios.attachments (id, scenario_id, application_id, milestone_id, file_name, content_type, size_bytes, sha256, content, uploaded_by, uploaded_at)
            values (@id, @ScenarioId, @ApplicationId, @MilestoneId, @name, @type, @size, @sha, @content, @by, @now)
            """, new
        {
            id, u.Owner.ScenarioId, u.Owner.ApplicationId, u.Owner.MilestoneId, name, type = Types[Path.GetExtension(name)].ContentType,
            size = u.Content.Length, sha, content = u.Content, by = u.UploadedBy, now,
        }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, u.UploadedBy, "attachment.added", "attachment", id.ToString(), null,
            new { u.Owner, FileName = name, Size = u.Content.Length, Sha256 = sha }, now, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<IReadOnlyList<AttachmentInfo>> ListAsync(AttachmentOwner owner, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AttachmentInfo>(new CommandDefinition("""
            select id, scenario_id, application_id, milestone_id, file_name, content_type, size_bytes, sha256, uploaded_at
            from scenarios.attachments
            where scenario_id = @ScenarioId and application_id is not distinct from @ApplicationId and milestone_id is not distinct from @MilestoneId
            order by uploaded_at
            """, owner, cancellationToken: ct))).ToList();
    }

    /// <summary>Every file of a scenario (its own, its applications', its milestones'); callers show only what the viewer may see.</summary>
    public async Task<IReadOnlyList<AttachmentInfo>> ListByScenarioAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AttachmentInfo>(new CommandDefinition("""
            select id, scenario_id, application_id, milestone_id, file_name, content_type, size_bytes, sha256, uploaded_at
            from scenarios.attachments where scenario_id = @scenarioId order by uploaded_at
            """, new { scenarioId }, cancellationToken: ct))).ToList();
    }

    public async Task<(AttachmentInfo Info, byte[] Content)?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var info = await conn.QuerySingleOrDefaultAsync<AttachmentInfo>(new CommandDefinition("""
            select id, scenario_id, application_id, milestone_id, file_name, content_type, size_bytes, sha256, uploaded_at
            from scenarios.attachments where id = @id
            """, new { id }, cancellationToken: ct));
        if (info is null) return null;
        var content = await conn.ExecuteScalarAsync<byte[]>(new CommandDefinition(
            "select content from scenarios.attachments where id = @id", new { id }, cancellationToken: ct));
        return (info, content!);
    }

    /// <summary>Removes a file while its owner may still change it (the caller checks who may).</summary>
    public async Task<bool> RemoveAsync(Guid id, Guid actorId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var removed = await conn.ExecuteAsync(new CommandDefinition("delete from scenarios.attachments where id = @id", new { id }, tx, cancellationToken: ct));
        if (removed == 0) return false;
        await AuditLog.AppendAsync(conn, tx, actorId, "attachment.removed", "attachment", id.ToString(), null, null, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}

/// <summary>Who is asking for a file.</summary>
public sealed record AttachmentViewer(Guid? UserId, Guid? EnterpriseId, bool IsOfficer, bool IsReviewer);

/// <summary>What decides access to a file: its owner and the state of the process around it.</summary>
public sealed record AttachmentContext
{
    public Guid ScenarioId { get; init; }
    public string ScenarioStatus { get; init; } = "";
    public Guid? ApplicationId { get; init; }
    public Guid? ApplicantId { get; init; }
    public Guid? MilestoneId { get; init; }
    public Guid? MilestoneFirmId { get; init; }
    public bool ViewerAssigned { get; init; }

    /// <summary>
    /// Scenario files follow the scenario (the caller checks its visibility). Application files are sealed like the
    /// application: the applicant always, after the deadline officers and assigned, non-recused reviewers. Milestone
    /// evidence: the delivering firm and officers.
    /// </summary>
    public bool Allows(AttachmentViewer v)
    {
        if (ApplicationId is not null)
        {
            if (v.EnterpriseId is { } firm && firm == ApplicantId) return true;
            var sealedStatus = Listings.ScenarioStatus.ApplicationsSealed(ScenarioStatus);
            return !sealedStatus && (v.IsOfficer || (v.IsReviewer && ViewerAssigned));
        }
        if (MilestoneId is not null) return v.IsOfficer || (v.EnterpriseId is { } f && f == MilestoneFirmId);
        return true;
    }
}

public static class AttachmentAccess
{
    public static async Task<AttachmentContext?> ContextAsync(NpgsqlDataSource db, Guid attachmentId, Guid? userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<AttachmentContext>(new CommandDefinition("""
            select f.scenario_id, s.status as scenario_status, f.application_id, a.enterprise_id as applicant_id, f.milestone_id,
                   aw.enterprise_id as milestone_firm_id,
                   exists (select 1 from scenarios.review_assignments r
                           where r.application_id = f.application_id and r.reviewer_id = @userId and r.status <> 'recused') as viewer_assigned
            from scenarios.attachments f
            join scenarios.scenarios s on s.id = f.scenario_id
            left join scenarios.applications a on a.id = f.application_id
            left join scenarios.milestones m on m.id = f.milestone_id
            left join scenarios.awards aw on aw.id = m.award_id
            where f.id = @attachmentId
            """, new { attachmentId, userId }, cancellationToken: ct));
    }
}
