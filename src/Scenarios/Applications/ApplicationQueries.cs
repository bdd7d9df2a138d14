using Dapper;
using Npgsql;

namespace Marketplace.Scenarios.Applications;

/// <summary>The parts of a proposal beyond approach and quote: team, schedule, past cases, declarations, consortium.</summary>
public abstract record ProposalDetails
{
    public string Team { get; init; } = "";
    public string Schedule { get; init; } = "";
    public string PastCases { get; init; } = "";
    public bool DeclaredTruthful { get; init; }
    public bool DeclaredNoDoubleFunding { get; init; }
    public Guid[] ConsortiumMemberIds { get; init; } = [];
}

public sealed record OwnApplication : ProposalDetails
{
    public Guid Id { get; init; }
    public Guid ScenarioId { get; init; }
    public string Status { get; init; } = "";
    public string Approach { get; init; } = "";
    public decimal QuotedBudgetWan { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public DateTimeOffset? ReconfirmRequiredAt { get; init; }
}

public sealed record ApplicationRow : ProposalDetails
{
    public Guid Id { get; init; }
    public Guid EnterpriseId { get; init; }
    public string Status { get; init; } = "";
    public string Approach { get; init; } = "";
    public decimal QuotedBudgetWan { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public string[] IneligibleReasons { get; init; } = [];
}

/// <summary>One of a firm's own applications, for its “我的申报” page: the scenario, the state, and any award.</summary>
public sealed record FirmApplication
{
    public Guid Id { get; init; }
    public Guid ScenarioId { get; init; }
    public string ScenarioTitle { get; init; } = "";
    public string ScenarioCode { get; init; } = "";
    public string ScenarioStatus { get; init; } = "";
    public DateTimeOffset ClosesAt { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset? SubmittedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? ReconfirmRequiredAt { get; init; }
    public string? AwardStatus { get; init; }
    public DateTimeOffset? AwardedAt { get; init; }
}

/// <summary>Who submitted an application, for telling them of results.</summary>
public sealed record ApplicationSubmitter
{
    public Guid ApplicationId { get; init; }
    public Guid EnterpriseId { get; init; }
    public Guid SubmittedBy { get; init; }
    public string Status { get; init; } = "";
}

/// <summary>A firm's track record in the process, which the matcher reads as domain experience.</summary>
public sealed record ApplicationExperience(Guid EnterpriseId, Guid ScenarioId, string Category, string Domain);

/// <summary>
/// Reads of applications. Before a scenario closes only the applicant's own application is readable:
/// nothing here returns other firms' content or counts.
/// </summary>
public sealed class ApplicationQueries(NpgsqlDataSource db)
{
    /// <summary>Every application of one firm (its own, so nothing sealed is revealed), most recently changed first.</summary>
    public async Task<IReadOnlyList<FirmApplication>> ListForEnterpriseAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<FirmApplication>(new CommandDefinition("""
            select a.id, a.scenario_id, s.title as scenario_title, s.code as scenario_code, s.status as scenario_status, s.closes_at,
                   a.status, a.submitted_at, a.updated_at, a.reconfirm_required_at, aw.status as award_status, aw.awarded_at
            from scenarios.applications a
            join scenarios.scenarios s on s.id = a.scenario_id
            left join scenarios.awards aw on aw.application_id = a.id
            where a.enterprise_id = @enterpriseId
            order by a.updated_at desc
            limit 500
            """, new { enterpriseId }, cancellationToken: ct))).ToList();
    }

    public async Task<OwnApplication?> GetOwnAsync(Guid scenarioId, Guid enterpriseId, CancellationToken ct)
    {
        const string sql = """
            select id, scenario_id, status, approach, quoted_budget_wan, submitted_at, reconfirm_required_at,
                   team, schedule, past_cases, declared_truthful, declared_no_double_funding, consortium_member_ids
            from scenarios.applications where scenario_id = @scenarioId and enterprise_id = @enterpriseId
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<OwnApplication>(new CommandDefinition(sql, new { scenarioId, enterpriseId }, cancellationToken: ct));
    }

    /// <summary>
    /// The applications of a scenario for officers, or null while the window is open: before the deadline not even
    /// their number is shown to anyone but each applicant.
    /// </summary>
    public async Task<IReadOnlyList<ApplicationRow>?> ListAfterCloseAsync(Guid scenarioId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var status = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select status from scenarios.scenarios where id = @scenarioId", new { scenarioId }, cancellationToken: ct));
        if (status is null || Listings.ScenarioStatus.ApplicationsSealed(status)) return null;
        return (await conn.QueryAsync<ApplicationRow>(new CommandDefinition("""
            select id, enterprise_id, status, approach, quoted_budget_wan, submitted_at, ineligible_reasons, reconfirm_required_at,
                   team, schedule, past_cases, declared_truthful, declared_no_double_funding, consortium_member_ids
            from scenarios.applications where scenario_id = @scenarioId and status <> 'withdrawn' and status <> 'draft'
            order by submitted_at
            """, new { scenarioId }, cancellationToken: ct))).ToList();
    }

    public Task<IReadOnlyList<ApplicationExperience>> ListExperienceAsync(Guid enterpriseId, CancellationToken ct) =>
        ListExperienceAsync([enterpriseId], ct);

    /// <summary>The experience of these firms (the index rebuild asks for one page of firms at a time).</summary>
    public async Task<IReadOnlyList<ApplicationExperience>> ListExperienceAsync(IReadOnlyCollection<Guid> enterpriseIds, CancellationToken ct)
    {
        if (enterpriseIds.Count == 0) return [];
        const string sql = """
            select a.enterprise_id, a.scenario_id, s.category, s.domain
            from scenarios.applications a join scenarios.scenarios s on s.id = a.scenario_id
            where a.status in ('submitted', 'eligible', 'shortlisted', 'awarded', 'not_awarded') and a.enterprise_id = any(@ids)
              -- Only applications whose window has closed: a sealed one must not show, even as a firm's experience or load.
              and not scenarios.applications_sealed(s.status)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ApplicationExperience>(new CommandDefinition(sql, new { ids = enterpriseIds.ToArray() }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>When the firm last won an award (null: never), for rules that exclude recent winners.</summary>
    public async Task<DateTimeOffset?> LastAwardedAtAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await ApplicantHistory.LastAwardedAtAsync(conn, null, enterpriseId, ct);
    }

    /// <summary>These firms' last awards (a firm never awarded is absent), for building the search index a page at a time.</summary>
    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> ListLastAwardsAsync(IReadOnlyCollection<Guid> enterpriseIds, CancellationToken ct)
    {
        if (enterpriseIds.Count == 0) return new Dictionary<Guid, DateTimeOffset>();
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(Guid EnterpriseId, DateTime AwardedAt)>(new CommandDefinition("""
            select enterprise_id, max(awarded_at) from scenarios.awards where status <> 'stopped' and enterprise_id = any(@ids) group by enterprise_id
            """, new { ids = enterpriseIds.ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.EnterpriseId, r => new DateTimeOffset(DateTime.SpecifyKind(r.AwardedAt, DateTimeKind.Utc)));
    }

    /// <summary>The scenario an application belongs to, or null when there is no such application.</summary>
    /// <summary>Of these applications, those still under the seal (their scenario's window has not closed).</summary>
    public async Task<IReadOnlySet<Guid>> StillSealedAsync(IReadOnlyCollection<Guid> applicationIds, CancellationToken ct)
    {
        if (applicationIds.Count == 0) return new HashSet<Guid>();
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition("""
            select a.id from scenarios.applications a join scenarios.scenarios s on s.id = a.scenario_id
            where a.id = any(@ids) and scenarios.applications_sealed(s.status)
            """, new { ids = applicationIds.ToArray() }, cancellationToken: ct))).ToHashSet();
    }

    public async Task<Guid?> ScenarioOfAsync(Guid applicationId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select scenario_id from scenarios.applications where id = @applicationId", new { applicationId }, cancellationToken: ct));
    }

    /// <summary>The applications of a scenario in the given states, with who submitted each.</summary>
    public async Task<IReadOnlyList<ApplicationSubmitter>> ListSubmittersAsync(Guid scenarioId, IReadOnlyList<string> statuses, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ApplicationSubmitter>(new CommandDefinition("""
            select id as application_id, enterprise_id, submitted_by, status from scenarios.applications
            where scenario_id = @scenarioId and status = any(@statuses)
            """, new { scenarioId, statuses = statuses.ToArray() }, cancellationToken: ct))).ToList();
    }
}
