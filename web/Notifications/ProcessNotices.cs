using System.Text.Json;
using Dapper;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Accounts;
using Marketplace.Web.Listings;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>
/// Emails of the process after the deadline: review assignments to reviewers, results to applicants (shortlisted and
/// in publicity, not shortlisted, awarded), objections to officers and answers to the people who objected. All are
/// essential (no unsubscribe); each has a dedupe key of (event, recipient), so a retried event sends nothing twice.
/// </summary>
public abstract class ProcessNotice<T>(ScenarioStore scenarios, Mailer mailer, SiteLinks links) : IOutboxHandler
{
    public abstract string Type { get; }

    protected SiteLinks Links => links;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<T>(message.Payload, OutboxWriter.Json)!;
        foreach (var (template, to, model) in await RecipientsAsync(e, connection, transaction, ct))
        {
            var scenario = await scenarios.GetAsync(ScenarioOf(e, model), ct) ?? throw new InvalidOperationException("Scenario not found.");
            var full = new Dictionary<string, object?>(model)
            {
                ["title"] = scenario.Title, ["code"] = scenario.Code,
            };
            full.TryAdd("link", links.Scenario(scenario.Id));
            await mailer.EssentialAsync(connection, transaction, template, full, $"{message.DedupeKey}:{to.ToLowerInvariant()}", to, ct);
        }
    }

    protected abstract Guid ScenarioOf(T e, IReadOnlyDictionary<string, object?> model);

    protected abstract Task<IReadOnlyList<(string Template, string To, Dictionary<string, object?> Model)>> RecipientsAsync(
        T e, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct);

    /// <summary>The people who submitted the applications of a scenario in the given states, with their firm's name.</summary>
    protected static async Task<IReadOnlyList<(string Status, string Email, string Name, string Firm)>> ApplicantsAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Guid scenarioId, string[] statuses, CancellationToken ct) =>
        (await conn.QueryAsync<(string, string, string, string)>(new CommandDefinition("""
            select a.status, u.email, u.display_name, e.name
            from scenarios.applications a join accounts.users u on u.id = a.submitted_by join enterprises.enterprises e on e.id = a.enterprise_id
            where a.scenario_id = @scenarioId and a.status = any(@statuses)
            """, new { scenarioId, statuses }, tx, cancellationToken: ct))).ToList();
}

public sealed class ReviewAssignedNotice(ScenarioStore scenarios, Mailer mailer, SiteLinks links)
    : ProcessNotice<ReviewAssigned>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ReviewAssignedV1;

    protected override Guid ScenarioOf(ReviewAssigned e, IReadOnlyDictionary<string, object?> model) => (Guid)model["scenarioId"]!;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(
        ReviewAssigned e, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var row = await conn.QuerySingleOrDefaultAsync<(string Email, string Name, Guid ScenarioId)?>(new CommandDefinition("""
            select u.email, u.display_name, a.scenario_id from accounts.users u, scenarios.applications a where u.id = @ReviewerId and a.id = @ApplicationId
            """, e, tx, cancellationToken: ct));
        return row is { } r
            ? [("review-assigned", r.Email, new() { ["name"] = r.Name, ["scenarioId"] = r.ScenarioId, ["link"] = Links.Absolute("/reviewer") })]
            : [];
    }
}

public sealed class DecisionNotices(ScenarioStore scenarios, Mailer mailer, SiteLinks links)
    : ProcessNotice<DecisionRecorded>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.DecisionRecordedV1;

    protected override Guid ScenarioOf(DecisionRecorded e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(
        DecisionRecorded e, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        (await ApplicantsAsync(conn, tx, e.ScenarioId, ["shortlisted", "not_awarded"], ct)).Select(a => (
            a.Status == "shortlisted" ? "result-shortlisted" : "result-not-shortlisted", a.Email,
            new Dictionary<string, object?> { ["name"] = a.Name, ["firm"] = a.Firm, ["publicityEnds"] = Labels.Time(e.PublicityEndsAt) })).ToList();
}

public sealed class AwardsFinalNotices(ScenarioStore scenarios, Mailer mailer, SiteLinks links)
    : ProcessNotice<AwardsFinal>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.AwardsFinalV1;

    protected override Guid ScenarioOf(AwardsFinal e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(
        AwardsFinal e, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        (await ApplicantsAsync(conn, tx, e.ScenarioId, ["awarded"], ct)).Select(a => (
            "result-awarded", a.Email, new Dictionary<string, object?> { ["name"] = a.Name, ["firm"] = a.Firm })).ToList();
}

public sealed class ObjectionFiledNotices(ScenarioStore scenarios, Mailer mailer, SiteLinks links)
    : ProcessNotice<ObjectionFiled>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ObjectionFiledV1;

    protected override Guid ScenarioOf(ObjectionFiled e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    /// <summary>Every officer of the scenario's owner department (all officers when none matches).</summary>
    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(
        ObjectionFiled e, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var objection = await conn.QuerySingleAsync<(string Filer, string Content, string Department)>(new CommandDefinition("""
            select o.filer_name, o.content, s.owner_department from scenarios.objections o join scenarios.scenarios s on s.id = o.scenario_id where o.id = @ObjectionId
            """, e, tx, cancellationToken: ct));
        var officers = (await conn.QueryAsync<(string Email, string Name, string? Department)>(new CommandDefinition(
            "select email, display_name, department from accounts.users where role = 'officer'", transaction: tx, cancellationToken: ct))).ToList();
        var own = officers.Where(o => o.Department == objection.Department).ToList();
        return (own.Count > 0 ? own : officers).Select(o => ("objection-filed", o.Email, new Dictionary<string, object?>
        {
            ["name"] = o.Name, ["filer"] = objection.Filer, ["content"] = objection.Content,
            ["link"] = Links.Absolute($"/officer/scenarios/{e.ScenarioId}/process"),
        })).ToList();
    }
}

public sealed class ObjectionAnsweredNotice(ScenarioStore scenarios, Mailer mailer, SiteLinks links)
    : ProcessNotice<ObjectionAnswered>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ObjectionAnsweredV1;

    protected override Guid ScenarioOf(ObjectionAnswered e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    /// <summary>The person who objected, when the contact they left is an email address.</summary>
    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(
        ObjectionAnswered e, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var o = await conn.QuerySingleAsync<(string Name, string Contact, string Answer)>(new CommandDefinition(
            "select filer_name, filer_contact, answer from scenarios.objections where id = @ObjectionId", e, tx, cancellationToken: ct));
        var email = System.Text.RegularExpressions.Regex.Match(o.Contact, @"[\w.+-]+@[\w-]+(\.[\w-]+)+").Value;
        return email.Length == 0 ? [] :
            [("objection-answered", email, new() { ["name"] = o.Name, ["answer"] = o.Answer, ["outcome"] = e.Outcome == "upheld" ? "异议成立，重新评审" : "异议不成立" })];
    }
}
