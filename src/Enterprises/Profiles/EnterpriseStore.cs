using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.Enterprises.Profiles;

/// <summary>Reads and writes firms. The credit code is the natural key for upserts.</summary>
public sealed class EnterpriseStore(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Row(
        Guid Id, string Name, string CreditCode, string Industry, string Region, string[] Qualifications,
        decimal RegisteredCapitalWan, int Employees, string[] Technologies, string Description, string Cases, string? ContactEmail)
    {
        public EnterpriseProfile ToProfile() => new(Id, Name, CreditCode, Industry, Region, Qualifications,
            RegisteredCapitalWan, Employees, Technologies, Description,
            JsonSerializer.Deserialize<EnterpriseCase[]>(Cases, Json) ?? [], ContactEmail);
    }

    private const string SelectColumns = """
        select id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees,
               technologies, description, cases::text as cases, contact_email
        from enterprises.enterprises
        """;

    public async Task<EnterpriseProfile?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectColumns + " where id = @id", new { id }, cancellationToken: ct));
        return row?.ToProfile();
    }

    public async Task<IReadOnlyList<EnterpriseProfile>> ListAllAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(SelectColumns + " order by credit_code", cancellationToken: ct));
        return rows.Select(r => r.ToProfile()).ToList();
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from enterprises.enterprises", cancellationToken: ct));
    }

    /// <summary>Inserts the firm, or updates the one with the same credit code; returns the stored id.</summary>
    public async Task<Guid> UpsertAsync(EnterpriseProfile p, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into enterprises.enterprises as e
                (id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees,
                 technologies, description, cases, contact_email, created_at, updated_at)
            values (@Id, @Name, @CreditCode, @Industry, @Region, @Qualifications, @RegisteredCapitalWan, @Employees,
                    @Technologies, @Description, @Cases::jsonb, @ContactEmail, @Now, @Now)
            on conflict (credit_code) do update set
                name = excluded.name, industry = excluded.industry, region = excluded.region,
                qualifications = excluded.qualifications, registered_capital_wan = excluded.registered_capital_wan,
                employees = excluded.employees, technologies = excluded.technologies,
                description = excluded.description, cases = excluded.cases,
                contact_email = coalesce(excluded.contact_email, e.contact_email), updated_at = excluded.updated_at
            returning id
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<Guid>(new CommandDefinition(sql, new
        {
            p.Id, p.Name, p.CreditCode, p.Industry, p.Region,
            Qualifications = p.Qualifications.ToArray(), p.RegisteredCapitalWan, p.Employees,
            Technologies = p.Technologies.ToArray(), p.Description,
            Cases = JsonSerializer.Serialize(p.Cases, Json), p.ContactEmail, Now = now,
        }, cancellationToken: ct));
    }
}
