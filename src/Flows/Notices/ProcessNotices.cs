using System.Text.Json;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Notifications.Email;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.Flows.Notices;

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
        foreach (var (template, to, model) in await RecipientsAsync(e, ct))
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

    protected abstract Task<IReadOnlyList<(string Template, string To, Dictionary<string, object?> Model)>> RecipientsAsync(T e, CancellationToken ct);
}

/// <summary>The people who submitted the applications of a scenario in given states, with their firm's name.</summary>
public sealed class ApplicantContacts(ApplicationQueries applications, UserStore users, EnterpriseStore enterprises)
{
    public async Task<IReadOnlyList<(string Status, string Email, string Name, string Firm)>> ListAsync(Guid scenarioId, string[] statuses, CancellationToken ct)
    {
        var contacts = new List<(string, string, string, string)>();
        foreach (var a in await applications.ListSubmittersAsync(scenarioId, statuses, ct))
        {
            // An application whose account or firm is gone has nobody to tell.
            if (await users.GetAsync(a.SubmittedBy, ct) is not { } user || await enterprises.GetAsync(a.EnterpriseId, ct) is not { } firm) continue;
            contacts.Add((a.Status, user.Email, user.DisplayName, firm.Name));
        }
        return contacts;
    }
}

public sealed class ReviewAssignedNotice(ScenarioStore scenarios, Mailer mailer, SiteLinks links, UserStore users, ApplicationQueries applications)
    : ProcessNotice<ReviewAssigned>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ReviewAssignedV1;

    protected override Guid ScenarioOf(ReviewAssigned e, IReadOnlyDictionary<string, object?> model) => (Guid)model["scenarioId"]!;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(ReviewAssigned e, CancellationToken ct) =>
        await users.GetAsync(e.ReviewerId, ct) is { } reviewer && await applications.ScenarioOfAsync(e.ApplicationId, ct) is { } scenarioId
            ? [("review-assigned", reviewer.Email, new() { ["name"] = reviewer.DisplayName, ["scenarioId"] = scenarioId, ["link"] = Links.Absolute("/reviewer") })]
            : [];
}

public sealed class DecisionNotices(ScenarioStore scenarios, Mailer mailer, SiteLinks links, ApplicantContacts applicants)
    : ProcessNotice<DecisionRecorded>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.DecisionRecordedV1;

    protected override Guid ScenarioOf(DecisionRecorded e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(DecisionRecorded e, CancellationToken ct) =>
        (await applicants.ListAsync(e.ScenarioId, ["shortlisted", "not_awarded"], ct)).Select(a => (
            a.Status == "shortlisted" ? "result-shortlisted" : "result-not-shortlisted", a.Email,
            new Dictionary<string, object?> { ["name"] = a.Name, ["firm"] = a.Firm, ["publicityEnds"] = EmailTemplates.Time(e.PublicityEndsAt) })).ToList();
}

public sealed class AwardsFinalNotices(ScenarioStore scenarios, Mailer mailer, SiteLinks links, ApplicantContacts applicants)
    : ProcessNotice<AwardsFinal>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.AwardsFinalV1;

    protected override Guid ScenarioOf(AwardsFinal e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(AwardsFinal e, CancellationToken ct) =>
        (await applicants.ListAsync(e.ScenarioId, ["awarded"], ct)).Select(a => (
            "result-awarded", a.Email, new Dictionary<string, object?> { ["name"] = a.Name, ["firm"] = a.Firm })).ToList();
}

/// <summary>The link that makes an objection filed with an email address count, to that address.</summary>
public sealed class ObjectionConfirmationNotice(ScenarioStore scenarios, Mailer mailer, SiteLinks links)
    : ProcessNotice<ObjectionConfirmationRequested>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ObjectionConfirmationRequestedV1;

    protected override Guid ScenarioOf(ObjectionConfirmationRequested e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    protected override Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(ObjectionConfirmationRequested e, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<(string, string, Dictionary<string, object?>)>>([("objection-confirm", e.Email, new()
        {
            ["name"] = e.Name, ["expires"] = EmailTemplates.Time(e.ExpiresAt),
            ["link"] = Links.Absolute($"/objections/confirm?token={Uri.EscapeDataString(e.Token)}"),
        })]);
}

/// <summary>One email per counted (confirmed) objection to each officer of the owner department, naming the objector.</summary>
public sealed class ObjectionFiledNotices(ScenarioStore scenarios, Mailer mailer, SiteLinks links, ObjectionProcess objections, UserStore users)
    : ProcessNotice<ObjectionFiled>(scenarios, mailer, links)
{
    private readonly ScenarioStore _scenarios = scenarios;

    public override string Type => ScenarioEvents.ObjectionFiledV1;

    protected override Guid ScenarioOf(ObjectionFiled e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    /// <summary>Every officer of the scenario's owner department (all officers when none matches).</summary>
    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(ObjectionFiled e, CancellationToken ct)
    {
        var objection = await objections.GetContactAsync(e.ObjectionId, ct) ?? throw new InvalidOperationException($"Objection {e.ObjectionId} not found.");
        var scenario = await _scenarios.GetAsync(objection.ScenarioId, ct) ?? throw new InvalidOperationException($"Scenario {objection.ScenarioId} not found.");
        var officers = await users.ListByRoleAsync(Roles.Officer, ct);
        var own = officers.Where(o => o.Department == scenario.OwnerDepartment).ToList();
        return (own.Count > 0 ? own : officers).Select(o => ("objection-filed", o.Email, new Dictionary<string, object?>
        {
            ["name"] = o.DisplayName, ["filer"] = objection.FilerName, ["filerEmail"] = objection.FilerEmail ?? objection.FilerContact, ["content"] = objection.Content,
            ["link"] = Links.Absolute($"/officer/scenarios/{e.ScenarioId}/process"),
        })).ToList();
    }
}

public sealed class ObjectionAnsweredNotice(ScenarioStore scenarios, Mailer mailer, SiteLinks links, ObjectionProcess objections)
    : ProcessNotice<ObjectionAnswered>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ObjectionAnsweredV1;

    protected override Guid ScenarioOf(ObjectionAnswered e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    /// <summary>The person who objected: the confirmed address (or, for objections from before confirmation, an address in the contact left).</summary>
    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(ObjectionAnswered e, CancellationToken ct)
    {
        var o = await objections.GetContactAsync(e.ObjectionId, ct) ?? throw new InvalidOperationException($"Objection {e.ObjectionId} not found.");
        var email = o.FilerEmail ?? System.Text.RegularExpressions.Regex.Match(o.FilerContact ?? "", @"[\w.+-]+@[\w-]+(\.[\w-]+)+").Value;
        return email.Length == 0 ? [] :
            [("objection-answered", email, new() { ["name"] = o.FilerName, ["answer"] = o.Answer, ["outcome"] = e.Outcome == "upheld" ? "异议成立，重新评审" : "异议不成立" })];
    }
}
