using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Vocabulary;
using Npgsql;

namespace Marketplace.Enterprises.Profiles;

public sealed record ProfileEdit(
    string? Name, string? Industry, string? Region, decimal RegisteredCapitalWan, int Employees,
    IReadOnlyList<string> Technologies, IReadOnlyList<string> FreeTags, string? Description, IReadOnlyList<string> Products,
    IReadOnlyList<EnterpriseCase> Cases, IReadOnlyList<string> Certificates, string? ContactName, string? ContactEmail,
    string? ContactPhone, bool PublicCard);

/// <summary>A member edits the firm's capability profile; the search index follows through the outbox.</summary>
public sealed class UpdateProfile(NpgsqlDataSource db, EnterpriseStore store, TechnologyVocabulary vocabulary, TimeProvider clock, OutboxSignal outbox)
{
    public async Task<Result<EnterpriseProfile>> HandleAsync(Guid enterpriseId, ProfileEdit e, CancellationToken ct, Guid? actorId = null)
    {
        var current = await store.GetAsync(enterpriseId, ct);
        if (current is null) return Error.NotFound("enterprise_not_found", "企业不存在");
        var now = clock.GetUtcNow();
        var updated = current with
        {
            Name = e.Name?.Trim() ?? "", Industry = e.Industry ?? "", Region = e.Region?.Trim() ?? "",
            RegisteredCapitalWan = e.RegisteredCapitalWan, Employees = e.Employees,
            Technologies = e.Technologies.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList(),
            FreeTags = e.FreeTags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList(),
            Description = e.Description?.Trim() ?? "", Products = e.Products, Cases = e.Cases, Certificates = e.Certificates,
            ContactName = e.ContactName?.Trim(), ContactEmail = e.ContactEmail?.Trim(), ContactPhone = e.ContactPhone?.Trim(),
            PublicCard = e.PublicCard,
        };
        var errors = ProfileRules.Check(updated, await vocabulary.TermsAsync(ct), now.Year);
        if (errors.Count > 0) return Result<EnterpriseProfile>.Fail(errors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await EnterpriseStore.UpdateProfileAsync(conn, tx, updated, now, ct);
        await OutboxWriter.EnqueueAsync(conn, tx, EnterpriseEvents.ProfileChangedV1,
            $"{EnterpriseEvents.ProfileChangedV1}:{enterpriseId}:{now.UtcTicks}", new ProfileChanged(enterpriseId, now), now, ct);
        await AuditLog.AppendAsync(conn, tx, actorId, "enterprise.profile_updated", "enterprise", enterpriseId.ToString(), current, updated, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return updated;
    }
}
