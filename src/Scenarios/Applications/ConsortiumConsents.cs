using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Scenarios.Applications;

/// <summary>A consortium request as a named member firm sees it: the application it is asked to join, and its answer.</summary>
public sealed record ConsortiumRequest
{
    public Guid ApplicationId { get; init; }
    public Guid ScenarioId { get; init; }
    public string ScenarioTitle { get; init; } = "";
    public string ScenarioCode { get; init; } = "";
    public DateTimeOffset ClosesAt { get; init; }
    public Guid LeadEnterpriseId { get; init; }
    public string Approach { get; init; } = "";
    public decimal QuotedBudgetWan { get; init; }
    public string Team { get; init; } = "";
    public string Schedule { get; init; } = "";
    public Guid[] ConsortiumMemberIds { get; init; } = [];
    public string Status { get; init; } = "";
    public DateTimeOffset RequestedAt { get; init; }
}

/// <summary>A named member's answer, as the lead sees it on its own application.</summary>
public sealed record ConsortiumAnswer(Guid EnterpriseId, string Status, DateTimeOffset? DecidedAt);

/// <summary>
/// Consent of consortium members (联合体成员确认). When a lead submits an application naming member firms, each member is
/// asked; the application is <c>awaiting_consortium</c> — not submitted, so not counted, reviewed or awarded — until
/// every named member has confirmed, and becomes <c>submitted</c> then (receipt and all). A member may decline (the lead
/// is told, and the application waits again) or change its answer until the deadline; at close an application still
/// waiting is ineligible with the reason. Only the lead and the named members ever see the request: to any other firm
/// it does not exist (404), which keeps the seal.
/// </summary>
public sealed class ConsortiumConsents(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public const string Awaiting = "awaiting_consortium";
    public const string NotConfirmedReason = "联合体成员未在截止前全部确认";

    /// <summary>Keeps one consent row per named member: removed members' rows go, new members get a pending one (returned).</summary>
    internal static async Task<IReadOnlyList<Guid>> SyncAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid applicationId, Guid[] members, DateTimeOffset now, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("""
            delete from scenarios.consortium_consents where application_id = @applicationId and enterprise_id <> all(@members)
            """, new { applicationId, members }, tx, cancellationToken: ct));
        return (await conn.QueryAsync<Guid>(new CommandDefinition("""
            insert into scenarios.consortium_consents (application_id, enterprise_id, status, requested_at)
            select @applicationId, m, 'pending', @now from unnest(@members) as m
            on conflict (application_id, enterprise_id) do nothing
            returning enterprise_id
            """, new { applicationId, members, now }, tx, cancellationToken: ct))).ToList();
    }

    /// <summary>Submitted when every named member has confirmed, awaiting otherwise; only between those two states.</summary>
    internal static async Task<string> RefreshStatusAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid applicationId, DateTimeOffset now, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<string?>(new CommandDefinition("""
            update scenarios.applications a
            set status = case when exists (select 1 from scenarios.consortium_consents c where c.application_id = a.id and c.status <> 'confirmed')
                              then 'awaiting_consortium' else 'submitted' end,
                updated_at = @now
            where a.id = @applicationId and a.status in ('submitted', 'awaiting_consortium')
            returning a.status
            """, new { applicationId, now }, tx, cancellationToken: ct)) ?? "";

    /// <summary>Open requests to a member firm: applications naming it on scenarios still open, with its answer.</summary>
    public async Task<IReadOnlyList<ConsortiumRequest>> ListForMemberAsync(Guid enterpriseId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ConsortiumRequest>(new CommandDefinition("""
            select a.id as application_id, s.id as scenario_id, s.title as scenario_title, s.code as scenario_code, s.closes_at,
                   a.enterprise_id as lead_enterprise_id, a.approach, a.quoted_budget_wan, a.team, a.schedule, a.consortium_member_ids,
                   c.status, c.requested_at
            from scenarios.consortium_consents c
            join scenarios.applications a on a.id = c.application_id
            join scenarios.scenarios s on s.id = a.scenario_id
            where c.enterprise_id = @enterpriseId and a.status in ('submitted', 'awaiting_consortium')
              and s.status = 'published' and s.closes_at > @now
            order by s.closes_at
            """, new { enterpriseId, now = clock.GetUtcNow() }, cancellationToken: ct))).ToList();
    }

    /// <summary>The named members' answers on one application (for its lead).</summary>
    public async Task<IReadOnlyList<ConsortiumAnswer>> AnswersAsync(Guid applicationId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ConsortiumAnswer>(new CommandDefinition("""
            select enterprise_id, status, decided_at from scenarios.consortium_consents where application_id = @applicationId order by enterprise_id
            """, new { applicationId }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// A member of a named firm confirms or declines. Not named (or no such application) is 404 — other firms may not
    /// learn that the application exists. Answers change nothing after the deadline.
    /// </summary>
    public async Task<Result<string>> AnswerAsync(Guid applicationId, Guid memberEnterpriseId, Guid userId, bool confirm, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var a = await conn.QuerySingleOrDefaultAsync<NamedApplication>(new CommandDefinition("""
            select a.scenario_id, a.enterprise_id as lead_id, a.submitted_by, a.status
            from scenarios.applications a
            where a.id = @applicationId
              and exists (select 1 from scenarios.consortium_consents c where c.application_id = a.id and c.enterprise_id = @memberEnterpriseId)
            for update
            """, new { applicationId, memberEnterpriseId }, tx, cancellationToken: ct));
        if (a is null || a.Status is not ("submitted" or Awaiting)) return NotFound();
        var scenario = await ScenarioStore.GetAsync(conn, tx, a.ScenarioId, ct);
        if (scenario is null) return NotFound();
        if (scenario.CheckAcceptsApplications(now) is { } refusal) return refusal;
        var answer = confirm ? "confirmed" : "declined";
        var before = await conn.ExecuteScalarAsync<string>(new CommandDefinition("""
            select status from scenarios.consortium_consents where application_id = @applicationId and enterprise_id = @memberEnterpriseId
            """, new { applicationId, memberEnterpriseId }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            update scenarios.consortium_consents set status = @answer, decided_by = @userId, decided_at = @now
            where application_id = @applicationId and enterprise_id = @memberEnterpriseId
            """, new { applicationId, memberEnterpriseId, answer, userId, now }, tx, cancellationToken: ct));
        var status = await RefreshStatusAsync(conn, tx, applicationId, now, ct);
        if (status == "submitted" && a.Status != "submitted")
            await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ApplicationSubmittedV1, $"{ScenarioEvents.ApplicationSubmittedV1}:{applicationId}:{Guid.CreateVersion7():N}",
                new ApplicationSubmitted(applicationId, a.ScenarioId, a.LeadId, a.SubmittedBy, now), now, ct);
        if (!confirm && before != "declined")
            await OutboxWriter.EnqueueAsync(conn, tx, ScenarioEvents.ConsortiumDeclinedV1,
                $"{ScenarioEvents.ConsortiumDeclinedV1}:{applicationId}:{memberEnterpriseId}:{now.UtcTicks}",
                new ConsortiumDeclined(applicationId, a.ScenarioId, a.LeadId, memberEnterpriseId), now, ct);
        // Filed under the application, so the audit page keeps it sealed with the application until the deadline.
        await AuditLog.AppendAsync(conn, tx, userId, confirm ? "application.consortium_confirmed" : "application.consortium_declined", "application",
            applicationId.ToString(), new { Member = memberEnterpriseId, Answer = before, Status = a.Status },
            new { Member = memberEnterpriseId, Answer = answer, Status = status }, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return status;
    }

    private sealed record NamedApplication
    {
        public Guid ScenarioId { get; init; }
        public Guid LeadId { get; init; }
        public Guid SubmittedBy { get; init; }
        public string Status { get; init; } = "";
    }

    private static Error NotFound() => Error.NotFound("consortium_request_not_found", "没有这项联合体邀请");
}
