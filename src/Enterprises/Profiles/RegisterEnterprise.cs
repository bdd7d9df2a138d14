using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Enterprises.Profiles;

public sealed record RegisterEnterpriseCommand(string? Name, string? CreditCode, string? Industry, string? Region, string? ContactEmail);

/// <summary>
/// A firm joins at sign-up. Runs inside the caller's transaction, so the firm and its first member account are
/// created together or not at all.
/// </summary>
public sealed class RegisterEnterprise(TimeProvider clock)
{
    public static IReadOnlyList<Error> Check(RegisterEnterpriseCommand c, int year) =>
        ProfileRules.Check(ToProfile(c, Guid.Empty), null, year);

    public async Task<Result<Guid>> HandleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RegisterEnterpriseCommand c, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var profile = ToProfile(c, Guid.CreateVersion7());
        var errors = ProfileRules.Check(profile, null, now.Year);
        if (errors.Count > 0) return Result<Guid>.Fail(errors);
        var id = await EnterpriseStore.RegisterAsync(conn, tx, profile, now, ct);
        return id is null
            ? Error.Conflict("credit_code_taken", "该统一社会信用代码已注册；请联系本企业的平台管理员邀请您加入")
            : id.Value;
    }

    /// <summary>
    /// The firm with the command's credit code: the one in the directory (imported, or registered before) or, when there
    /// is none, a new one made from the command. Used when an officer approves a claim to the code.
    /// </summary>
    public async Task<Result<(Guid Id, bool Created)>> EnsureAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RegisterEnterpriseCommand c, CancellationToken ct)
    {
        var code = c.CreditCode?.Trim().ToUpperInvariant() ?? "";
        if (await EnterpriseStore.IdByCreditCodeAsync(conn, tx, code, ct) is { } existing) return Result<(Guid, bool)>.Ok((existing, false));
        var created = await HandleAsync(conn, tx, c, ct);
        if (created.IsSuccess) return Result<(Guid, bool)>.Ok((created.Value, true));
        // Registered by someone else between the two statements: that firm is the one.
        return await EnterpriseStore.IdByCreditCodeAsync(conn, tx, code, ct) is { } raced
            ? Result<(Guid, bool)>.Ok((raced, false)) : Result<(Guid, bool)>.Fail(created.Errors);
    }

    private static EnterpriseProfile ToProfile(RegisterEnterpriseCommand c, Guid id) => new(
        id, c.Name?.Trim() ?? "", c.CreditCode?.Trim().ToUpperInvariant() ?? "", c.Industry ?? "", c.Region?.Trim() ?? "",
        [], 0, 0, [], "", [], c.ContactEmail?.Trim());
}
