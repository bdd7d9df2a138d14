using Dapper;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Enterprises.Vocabulary;

/// <summary>The controlled list of technologies admins keep; firms pick from it (and add free tags beside it).</summary>
public sealed class TechnologyVocabulary(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<IReadOnlySet<string>> TermsAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition("select term from enterprises.technology_terms order by term", cancellationToken: ct)))
            .ToHashSet(StringComparer.Ordinal);
    }

    public async Task<Result<string>> AddAsync(string? term, CancellationToken ct)
    {
        var t = term?.Trim() ?? "";
        if (t.Length is < 1 or > 40) return Error.Invalid("term_length", "技术名称应为 1–40 个字", "Term");
        await using var conn = await db.OpenConnectionAsync(ct);
        var added = await conn.ExecuteAsync(new CommandDefinition(
            "insert into enterprises.technology_terms (term, created_at) values (@t, @now) on conflict do nothing",
            new { t, now = clock.GetUtcNow() }, cancellationToken: ct));
        return added == 1 ? t : Error.Conflict("term_exists", $"“{t}”已在词表中");
    }
}
