using System.Text.Json;
using Dapper;
using Npgsql;
using Marketplace.BuildingBlocks.Data;

namespace Marketplace.Enterprises.Profiles;

/// <summary>Reads and writes firms. The credit code is the natural key for upserts.</summary>
public sealed class EnterpriseStore(NpgsqlDataSource db, Marketplace.BuildingBlocks.Data.DataVersion data)
{
    // The directory's pager counts every matching firm: 100,000 rows read per page view at national scale. The count is
    // kept per filter and committed state of the database (decision 65), so paging through the list reads it once.
    private readonly Marketplace.BuildingBlocks.Caching.VersionedCache<int> _counts = new(capacity: 256);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        public string[] Products { get; init; } = [];
        public string[] Certificates { get; init; } = [];
        public string[] FreeTags { get; init; } = [];
        public string? ContactName { get; init; }
        public string? ContactPhone { get; init; }
        public bool PublicCard { get; init; }
        public DateTime? SuspendedUntil { get; init; }
        public string? SuspendedReason { get; init; }

        public EnterpriseProfile ToProfile() => new(Id, Name, CreditCode, Industry, Region, Qualifications,
            RegisteredCapitalWan, Employees, Technologies, Description,
            JsonSerializer.Deserialize<EnterpriseCase[]>(Cases, Json) ?? [], ContactEmail,
            Products, Certificates, FreeTags, ContactName, ContactPhone, PublicCard,
            SuspendedUntil is { } d ? DateOnly.FromDateTime(d) : null, SuspendedReason);
    }

    private const string SelectColumns = """
        select id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees,
               technologies, description, cases::text as cases, contact_email, products, certificates, free_tags,
               contact_name, contact_phone, public_card, suspended_until, suspended_reason
        from enterprises.enterprises
        """;

    public async Task<EnterpriseProfile?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectColumns + " where id = @id", new { id }, cancellationToken: ct));
        return row?.ToProfile();
    }

    public async Task<EnterpriseProfile?> FindByCreditCodeAsync(string creditCode, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectColumns + " where credit_code = @creditCode", new { creditCode }, cancellationToken: ct));
        return row?.ToProfile();
    }

    /// <summary>
    /// Up to <paramref name="limit"/> firms in credit-code order after <paramref name="afterCreditCode"/> (null: from the
    /// first). The index rebuild reads the directory a page at a time: holding all 100,000 profiles at once made the
    /// site's rebuild after an import its largest use of memory, which the garbage collector then kept committed.
    /// </summary>
    public async Task<IReadOnlyList<EnterpriseProfile>> ListPageAsync(string? afterCreditCode, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(
            SelectColumns + " where (@after::text is null or credit_code > @after) order by credit_code limit @limit",
            new { after = afterCreditCode, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToProfile()).ToList();
    }

    private const string DirectoryWhere = """
         where (@q::text is null or name ilike '%' || @q || '%' or credit_code = upper(@q) or description ilike '%' || @q || '%')
           and (@region::text is null or region like @region || '%')
           and (@industry::text is null or industry = @industry)
           and (@qualification::text is null or @qualification = any(qualifications))
        """;

    private static object DirectoryParameters(DirectoryFilter f) => new
    {
        q = Blank(f.Query), region = Blank(f.Region), industry = Blank(f.Industry), qualification = Blank(f.Qualification),
        limit = f.Limit, offset = Math.Max(0, f.Offset),
    };

    // The order is one of a fixed set of clauses (never text from the request); id breaks ties so pages never overlap.
    private static string DirectoryPage(DirectoryFilter f) => f.Sort switch
    {
        DirectorySort.CapitalDescending => " order by registered_capital_wan desc, id",
        DirectorySort.NewestFirst => " order by created_at desc, id",
        _ => " order by name, id",
    } + " limit @limit offset @offset";

    /// <summary>Firms matching the directory filters, for the officers' list, in the filter's order.</summary>
    public async Task<IReadOnlyList<EnterpriseProfile>> ListAsync(DirectoryFilter f, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(SelectColumns + DirectoryWhere + DirectoryPage(f),
            DirectoryParameters(f), cancellationToken: ct));
        return rows.Select(r => r.ToProfile()).ToList();
    }

    /// <summary>
    /// The same firms one at a time as PostgreSQL sends them, for exports: the whole directory (100,000 firms) is never
    /// held in memory at once.
    /// </summary>
    public async IAsyncEnumerable<EnterpriseProfile> StreamAsync(DirectoryFilter f, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await foreach (var row in conn.StreamAsync<Row>(SelectColumns + DirectoryWhere + DirectoryPage(f), DirectoryParameters(f), ct))
            yield return row.ToProfile();
    }

    /// <summary>How many firms match the directory filters (for the pager).</summary>
    public async Task<int> CountAsync(DirectoryFilter f, CancellationToken ct) =>
        await _counts.GetOrAddAsync($"{Blank(f.Query)}\u0001{Blank(f.Region)}\u0001{Blank(f.Industry)}\u0001{Blank(f.Qualification)}",
            await data.CurrentAsync(ct), async c =>
            {
                await using var conn = await db.OpenConnectionAsync(c);
                return await conn.ExecuteScalarAsync<int>(new CommandDefinition("select count(*)::int from enterprises.enterprises" + DirectoryWhere,
                    DirectoryParameters(f), cancellationToken: c));
            }, ct);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from enterprises.enterprises", cancellationToken: ct));
    }

    internal static object Parameters(EnterpriseProfile p, DateTimeOffset now) => new
    {
        p.Id, p.Name, p.CreditCode, p.Industry, p.Region,
        Qualifications = p.Qualifications.ToArray(), p.RegisteredCapitalWan, p.Employees,
        Technologies = p.Technologies.ToArray(), p.Description,
        Cases = JsonSerializer.Serialize(p.Cases, Json), p.ContactEmail,
        Products = (p.Products ?? []).ToArray(), Certificates = (p.Certificates ?? []).ToArray(), FreeTags = (p.FreeTags ?? []).ToArray(),
        p.ContactName, p.ContactPhone, p.PublicCard, Now = now,
    };

    /// <summary>Inserts the firm, or updates the one with the same credit code; returns the stored id.</summary>
    public async Task<Guid> UpsertAsync(EnterpriseProfile p, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into enterprises.enterprises as e
                (id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees,
                 technologies, description, cases, contact_email, products, certificates, free_tags, contact_name,
                 contact_phone, public_card, created_at, updated_at)
            values (@Id, @Name, @CreditCode, @Industry, @Region, @Qualifications, @RegisteredCapitalWan, @Employees,
                    @Technologies, @Description, @Cases::jsonb, @ContactEmail, @Products, @Certificates, @FreeTags, @ContactName,
                    @ContactPhone, @PublicCard, @Now, @Now)
            on conflict (credit_code) do update set
                name = excluded.name, industry = excluded.industry, region = excluded.region,
                qualifications = excluded.qualifications, registered_capital_wan = excluded.registered_capital_wan,
                employees = excluded.employees, technologies = excluded.technologies,
                description = excluded.description, cases = excluded.cases,
                contact_email = coalesce(excluded.contact_email, e.contact_email), updated_at = excluded.updated_at
            returning id
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<Guid>(new CommandDefinition(sql, Parameters(p, now), cancellationToken: ct));
    }

    internal static Task<Guid?> IdByCreditCodeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string creditCode, CancellationToken ct) =>
        conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select id from enterprises.enterprises where credit_code = @creditCode", new { creditCode }, tx, cancellationToken: ct));

    /// <summary>A new firm at sign-up; null when its credit code is registered already.</summary>
    internal static async Task<Guid?> RegisterAsync(NpgsqlConnection conn, NpgsqlTransaction tx, EnterpriseProfile p, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into enterprises.enterprises
                (id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees,
                 technologies, description, cases, contact_email, products, certificates, free_tags, contact_name,
                 contact_phone, public_card, created_at, updated_at)
            values (@Id, @Name, @CreditCode, @Industry, @Region, '{}', @RegisteredCapitalWan, @Employees,
                    @Technologies, @Description, @Cases::jsonb, @ContactEmail, @Products, @Certificates, @FreeTags, @ContactName,
                    @ContactPhone, @PublicCard, @Now, @Now)
            on conflict (credit_code) do nothing
            returning id
            """;
        return await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, Parameters(p, now), tx, cancellationToken: ct));
    }

    /// <summary>Everything a member may edit; the credit code and the verified qualifications are not among it.</summary>
    internal static Task<int> UpdateProfileAsync(NpgsqlConnection conn, NpgsqlTransaction tx, EnterpriseProfile p, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update enterprises.enterprises set
                name = @Name, industry = @Industry, region = @Region, registered_capital_wan = @RegisteredCapitalWan,
                employees = @Employees, technologies = @Technologies, description = @Description, cases = @Cases::jsonb,
                contact_email = @ContactEmail, products = @Products, certificates = @Certificates, free_tags = @FreeTags,
                contact_name = @ContactName, contact_phone = @ContactPhone, public_card = @PublicCard, updated_at = @Now
            where id = @Id
            """;
        return conn.ExecuteAsync(new CommandDefinition(sql, Parameters(p, now), tx, cancellationToken: ct));
    }
}

public sealed record DirectoryFilter(string? Query = null, string? Region = null, string? Industry = null, string? Qualification = null, int Limit = int.MaxValue,
    int Offset = 0, DirectorySort Sort = DirectorySort.Name);

public enum DirectorySort { Name, CapitalDescending, NewestFirst }
