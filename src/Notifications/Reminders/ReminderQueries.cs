using Dapper;
using Npgsql;

namespace Marketplace.Notifications.Reminders;

/// <summary>Someone to remind of a scenario's deadline: a firm member with a draft, or a follower of the scenario.</summary>
public sealed record DeadlineRecipient
{
    public Guid ScenarioId { get; init; }
    public string Email { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Draft { get; init; }
}

/// <summary>A milestone due soon (without evidence yet) or overdue, and one member of the delivering firm.</summary>
public sealed record MilestoneRecipient
{
    public Guid MilestoneId { get; init; }
    public string Milestone { get; init; } = "";
    public DateTimeOffset DueAt { get; init; }
    public bool Overdue { get; init; }
    public string Firm { get; init; } = "";
    public string Email { get; init; } = "";
    public string ScenarioTitle { get; init; } = "";
    public string ScenarioCode { get; init; } = "";
}

/// <summary>
/// The sweeps behind reminders, each one statement over the views the owners publish (scenarios, applications and
/// open milestones from Scenarios, people from Accounts, firms from Enterprises) and this module's follows.
/// </summary>
public sealed class ReminderQueries
{
    /// <summary>
    /// For published scenarios closing in (<paramref name="from"/>, <paramref name="to"/>]: members with a draft
    /// application, and followers of the scenario who have none.
    /// </summary>
    public async Task<IReadOnlyList<DeadlineRecipient>> DeadlineRecipientsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct) =>
        (await conn.QueryAsync<DeadlineRecipient>(new CommandDefinition("""
            select s.id as scenario_id, u.email, u.display_name as name, true as draft
            from scenarios.scenarios_view s join scenarios.applications_view a on a.scenario_id = s.id and a.status = 'draft'
            join accounts.users_view u on u.id = a.submitted_by
            where s.status = 'published' and s.closes_at > @from and s.closes_at <= @to
            union
            select s.id, u.email, u.display_name, false
            from scenarios.scenarios_view s join notifications.follows f on f.kind = 'scenario' and f.value = s.id::text
            join accounts.users_view u on u.id = f.user_id
            where s.status = 'published' and s.closes_at > @from and s.closes_at <= @to
              and not exists (select 1 from scenarios.applications_view a where a.scenario_id = s.id and a.submitted_by = u.id and a.status = 'draft')
            """, new { from, to }, tx, cancellationToken: ct))).ToList();

    /// <summary>Open milestones overdue, or due by <paramref name="soon"/> without evidence: one row per member of the delivering firm.</summary>
    public async Task<IReadOnlyList<MilestoneRecipient>> MilestoneRecipientsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now,
        DateTimeOffset soon, CancellationToken ct) =>
        (await conn.QueryAsync<MilestoneRecipient>(new CommandDefinition("""
            select m.id as milestone_id, m.title as milestone, m.due_at, m.overdue_at is not null as overdue, e.name as firm, u.email,
                   s.title as scenario_title, s.code as scenario_code
            from scenarios.open_milestones_view m
            join scenarios.scenarios_view s on s.id = m.scenario_id join enterprises.firms_view e on e.id = m.enterprise_id
            join accounts.users_view u on u.enterprise_id = m.enterprise_id
            where m.overdue_at is not null or (not m.has_evidence and m.due_at > @now and m.due_at <= @soon)
            """, new { now, soon }, tx, cancellationToken: ct))).ToList();
}
