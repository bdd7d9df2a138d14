using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.Enterprises.Profiles;

/// <summary>Reads and writes firms. The credit code is the natural key for upserts.</summary>
public sealed class EnterpriseStore(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A settable class, not a positional record: Dapper maps text[] columns onto properties but not onto constructors.
    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string CreditCode { get; init; } = "";
        public string Industry { get; init; } = "";
        public string Region { get; init; } = "";
        public string[] Qualifications { get; init; } = [];
        public decimal RegisteredCapitalWan { get; init; }
        public int Employees { get; init; }
        public string[] Technologies { get; init; } = [];
        public string Description { get; init; } = "";
        public string Cases { get; init; } = "[]";
        public string? ContactEmail { get; init; }

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
