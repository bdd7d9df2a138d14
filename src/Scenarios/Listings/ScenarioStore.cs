using System.Text.Json;
using Dapper;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

/// <summary>Reads and writes scenarios. Every write names the state it expects, so two officers cannot both win.</summary>
public sealed class ScenarioStore(NpgsqlDataSource db)
{
    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Code { get; init; } = "";
        public string Title { get; init; } = "";
        public string Summary { get; init; } = "";
        public string Description { get; init; } = "";
        public string Category { get; init; } = "";
        public string Domain { get; init; } = "";
        public string Location { get; init; } = "";
        public string[] Technologies { get; init; } = [];
        public string Batch { get; init; } = "";
        public string OwnerDepartment { get; init; } = "";
        public decimal BudgetMinWan { get; init; }
        public decimal BudgetMaxWan { get; init; }
        public string Mode { get; init; } = "";
        public int AwardSlots { get; init; }
        public DateTimeOffset OpensAt { get; init; }
        public DateTimeOffset ClosesAt { get; init; }
        public string[] RequiredQualifications { get; init; } = [];
        public decimal MinRegisteredCapitalWan { get; init; }
        public string[] AllowedRegions { get; init; } = [];
        public string Status { get; init; } = "";
        public DateTimeOffset? PublishedAt { get; init; }
        public string FundingMode { get; init; } = "";
        public string Rubric { get; init; } = "[]";
        public string MilestoneTemplate { get; init; } = "[]";
        public string Visibility { get; init; } = ScenarioVisibility.Public;
        public string[] PartnerRegions { get; init; } = [];
        public int ExcludeWinnersWithinYears { get; init; }
        public string ResponsiblePerson { get; init; } = "";

        public Scenario ToScenario() => new Scenario(Id, Code, Title, Summary, Description, Category, Domain, Location, Technologies,
            Batch, OwnerDepartment, BudgetMinWan, BudgetMaxWan, Mode, AwardSlots, OpensAt, ClosesAt, RequiredQualifications,
            MinRegisteredCapitalWan, AllowedRegions, Status, PublishedAt)
        {
            FundingMode = FundingMode,
            Rubric = JsonSerializer.Deserialize<Reviews.Criterion[]>(Rubric, Json) ?? [],
            MilestoneTemplate = JsonSerializer.Deserialize<Awards.MilestoneTemplate[]>(MilestoneTemplate, Json) ?? [],
            Visibility = Visibility,
            PartnerRegions = PartnerRegions,
            ExcludeWinnersWithinYears = ExcludeWinnersWithinYears,
            ResponsiblePerson = ResponsiblePerson,
        };
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal const string SelectColumns = """
        select id, code, title, summary, description, category, domain, location, technologies, batch, owner_department,
               budget_min_wan, budget_max_wan, mode, award_slots, opens_at, closes_at, required_qualifications,
               min_registered_capital_wan, allowed_regions, status, published_at, funding_mode, rubric::text as rubric,
               milestone_template::text as milestone_template, visibility, partner_regions, exclude_winners_within_years, responsible_person
        from scenarios.scenarios
        """;

    public async Task<Scenario?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await GetAsync(conn, null, id, ct);
    }

    internal static async Task<Scenario?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid id, CancellationToken ct)
    {
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectColumns + " where id = @id", new { id }, tx, cancellationToken: ct));
        return row?.ToScenario();
    }

    public async Task<Scenario?> GetByCodeAsync(string code, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectColumns + " where code = @code", new { code }, cancellationToken: ct));
        return row?.ToScenario();
    }

    /// <summary>Every scenario a visitor may see, for (re)building the search index.</summary>
    public async Task<IReadOnlyList<Scenario>> ListPublicAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(
            SelectColumns + " where status = any(@statuses) order by code",
            new { statuses = ScenarioStatus.Public.ToArray() }, cancellationToken: ct));
        return rows.Select(r => r.ToScenario()).ToList();
    }

    public async Task<IReadOnlyList<Scenario>> ListAllAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(SelectColumns + " order by code", cancellationToken: ct));
        return rows.Select(r => r.ToScenario()).ToList();
    }

    private const string OfficeWhere = """
         where (@q::text is null or title ilike '%' || @q || '%' or code ilike '%' || @q || '%' or owner_department ilike '%' || @q || '%')
           and (@status::text is null or status = @status)
           and (@category::text is null or category = @category)
        """;

    /// <summary>One page of the officers' scenario list: text over title, code and department, status and category filters.</summary>
    public async Task<(IReadOnlyList<Scenario> Items, int Total)> ListForOfficeAsync(OfficeScenarioFilter f, CancellationToken ct)
    {
        // A fixed set of clauses, never text from the request; id breaks ties so pages never overlap.
        var order = f.Sort switch
        {
            OfficeScenarioSort.DeadlineAscending => " order by closes_at, id",
            OfficeScenarioSort.DeadlineDescending => " order by closes_at desc, id",
            OfficeScenarioSort.Title => " order by title, id",
            // What needs the officer first: drafts and proposals awaiting publication, then the newest codes.
            _ => " order by (status in ('draft', 'submitted')) desc, code desc, id",
        };
        var args = new
        {
            q = string.IsNullOrWhiteSpace(f.Query) ? null : f.Query.Trim(),
            status = string.IsNullOrWhiteSpace(f.Status) ? null : f.Status,
            category = string.IsNullOrWhiteSpace(f.Category) ? null : f.Category,
            limit = f.Limit, offset = Math.Max(0, f.Offset),
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        var total = await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*)::int from scenarios.scenarios" + OfficeWhere, args, cancellationToken: ct));
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(
            SelectColumns + OfficeWhere + order + " limit @limit offset @offset", args, cancellationToken: ct));
        return (rows.Select(r => r.ToScenario()).ToList(), total);
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from scenarios.scenarios", cancellationToken: ct));
    }

    internal static Task<int> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Scenario s, DateTimeOffset now, CancellationToken ct,
        Guid? proposerEnterpriseId = null)
    {
        const string sql = """
            insert into scenarios.scenarios
                (id, code, title, summary, description, category, domain, location, technologies, batch, owner_department,
                 budget_min_wan, budget_max_wan, mode, award_slots, opens_at, closes_at, required_qualifications,
                 min_registered_capital_wan, allowed_regions, status, created_at, updated_at, published_at, proposer_enterprise_id,
                 funding_mode, rubric, milestone_template, visibility, partner_regions, exclude_winners_within_years, responsible_person)
            values
                (@Id, @Code, @Title, @Summary, @Description, @Category, @Domain, @Location, @Technologies, @Batch, @OwnerDepartment,
                 @BudgetMinWan, @BudgetMaxWan, @Mode, @AwardSlots, @OpensAt, @ClosesAt, @RequiredQualifications,
                 @MinRegisteredCapitalWan, @AllowedRegions, @Status, @Now, @Now, @PublishedAt, @ProposerEnterpriseId,
                 @FundingMode, @Rubric::jsonb, @MilestoneTemplate::jsonb, @Visibility, @PartnerRegions, @ExcludeWinnersWithinYears, @ResponsiblePerson)
            on conflict (code) do nothing
            """;
        return conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            s.Id, s.Code, s.Title, s.Summary, s.Description, s.Category, s.Domain, s.Location,
            Technologies = s.Technologies.ToArray(), s.Batch, s.OwnerDepartment, s.BudgetMinWan, s.BudgetMaxWan,
            s.Mode, s.AwardSlots, s.OpensAt, s.ClosesAt, RequiredQualifications = s.RequiredQualifications.ToArray(),
            s.MinRegisteredCapitalWan, AllowedRegions = s.AllowedRegions.ToArray(), s.Status, Now = now, s.PublishedAt,
            ProposerEnterpriseId = proposerEnterpriseId,
            s.FundingMode, Rubric = JsonSerializer.Serialize(s.Rubric, Json), MilestoneTemplate = JsonSerializer.Serialize(s.MilestoneTemplate, Json),
            s.Visibility, PartnerRegions = s.PartnerRegions.ToArray(), s.ExcludeWinnersWithinYears, s.ResponsiblePerson,
        }, tx, cancellationToken: ct));
    }

    /// <summary>Writes every editable field of a scenario still in <paramref name="expectedStatus"/>.</summary>
    internal static Task<int> UpdateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Scenario s, string expectedStatus, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update scenarios.scenarios set
                title = @Title, summary = @Summary, description = @Description, category = @Category, domain = @Domain,
                location = @Location, technologies = @Technologies, owner_department = @OwnerDepartment,
                budget_min_wan = @BudgetMinWan, budget_max_wan = @BudgetMaxWan, mode = @Mode, award_slots = @AwardSlots,
                opens_at = @OpensAt, closes_at = @ClosesAt, required_qualifications = @RequiredQualifications,
                min_registered_capital_wan = @MinRegisteredCapitalWan, allowed_regions = @AllowedRegions,
                funding_mode = @FundingMode, rubric = @Rubric::jsonb, milestone_template = @MilestoneTemplate::jsonb,
                visibility = @Visibility, partner_regions = @PartnerRegions, exclude_winners_within_years = @ExcludeWinnersWithinYears,
                responsible_person = @ResponsiblePerson, updated_at = @Now
            where id = @Id and status = @ExpectedStatus
            """;
        return conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            s.Id, s.Title, s.Summary, s.Description, s.Category, s.Domain, s.Location, Technologies = s.Technologies.ToArray(),
            s.OwnerDepartment, s.BudgetMinWan, s.BudgetMaxWan, s.Mode, s.AwardSlots, s.OpensAt, s.ClosesAt,
            RequiredQualifications = s.RequiredQualifications.ToArray(), s.MinRegisteredCapitalWan, AllowedRegions = s.AllowedRegions.ToArray(),
            s.FundingMode, Rubric = JsonSerializer.Serialize(s.Rubric, Json), MilestoneTemplate = JsonSerializer.Serialize(s.MilestoneTemplate, Json),
            s.Visibility, PartnerRegions = s.PartnerRegions.ToArray(), s.ExcludeWinnersWithinYears, s.ResponsiblePerson, Now = now, ExpectedStatus = expectedStatus,
        }, tx, cancellationToken: ct));
    }

    internal static Task<int> MarkPublishedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, string expectedStatus, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update scenarios.scenarios
            set status = 'published', published_at = @now, updated_at = @now
            where id = @id and status = @expectedStatus
            """;
        return conn.ExecuteAsync(new CommandDefinition(sql, new { id, expectedStatus, now }, tx, cancellationToken: ct));
    }

    /// <summary>The next free code of the form SC-YYYY-NNN, for scenarios entered by hand.</summary>
    /// <summary>
    /// The next free code of the year. A transaction-scoped advisory lock holds other creators until this transaction
    /// ends: without it two officers drafting at once computed the same code, and the second draft was silently dropped
    /// by the insert's <c>on conflict do nothing</c> while its creator was told it had been saved.
    /// </summary>
    internal static async Task<string> NextCodeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int year, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtext('scenarios.code'), @year)", new { year }, tx, cancellationToken: ct));
        const string sql = """
            select 'SC-' || @year || '-' || lpad((coalesce(max(substring(code from '\d+$')::int), 0) + 1)::text, 3, '0')
            from scenarios.scenarios where code like 'SC-' || @year || '-%'
            """;
        return (await conn.ExecuteScalarAsync<string>(new CommandDefinition(sql, new { year = year.ToString() }, tx, cancellationToken: ct)))!;
    }
}

public enum OfficeScenarioSort { AwaitingPublicationFirst, DeadlineAscending, DeadlineDescending, Title }

/// <summary>The officers' scenario list: free text, status, category, order and the page's window.</summary>
public sealed record OfficeScenarioFilter(string? Query = null, string? Status = null, string? Category = null,
    OfficeScenarioSort Sort = OfficeScenarioSort.AwaitingPublicationFirst, int Limit = 50, int Offset = 0);
