using Marketplace.Accounts.Users;
using Marketplace.Enterprises.Profiles;
using Marketplace.Notifications.Email;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Flows.Notices;

/// <summary>A lead named a firm in its consortium: every member of that firm is asked to confirm or decline.</summary>
public sealed class ConsortiumRequestedNotice(ScenarioStore scenarios, Mailer mailer, SiteLinks links, UserStore users, EnterpriseStore enterprises)
    : ProcessNotice<ConsortiumRequested>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ConsortiumRequestedV1;

    protected override Guid ScenarioOf(ConsortiumRequested e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(ConsortiumRequested e, CancellationToken ct)
    {
        var lead = (await enterprises.GetAsync(e.LeadEnterpriseId, ct))?.Name ?? "";
        var member = (await enterprises.GetAsync(e.MemberEnterpriseId, ct))?.Name ?? "";
        return (await users.ListMembersAsync(e.MemberEnterpriseId, ct)).Select(u => ("consortium-request", u.Email, new Dictionary<string, object?>
        {
            ["name"] = u.DisplayName, ["lead"] = lead, ["firm"] = member, ["link"] = Links.Absolute("/firm/consortium"),
        })).ToList();
    }
}

/// <summary>A named member declined: the lead firm's members are told, so they can change the consortium before the deadline.</summary>
public sealed class ConsortiumDeclinedNotice(ScenarioStore scenarios, Mailer mailer, SiteLinks links, UserStore users, EnterpriseStore enterprises)
    : ProcessNotice<ConsortiumDeclined>(scenarios, mailer, links)
{
    public override string Type => ScenarioEvents.ConsortiumDeclinedV1;

    protected override Guid ScenarioOf(ConsortiumDeclined e, IReadOnlyDictionary<string, object?> model) => e.ScenarioId;

    protected override async Task<IReadOnlyList<(string, string, Dictionary<string, object?>)>> RecipientsAsync(ConsortiumDeclined e, CancellationToken ct)
    {
        var member = (await enterprises.GetAsync(e.MemberEnterpriseId, ct))?.Name ?? "";
        return (await users.ListMembersAsync(e.LeadEnterpriseId, ct)).Select(u => ("consortium-declined", u.Email, new Dictionary<string, object?>
        {
            ["name"] = u.DisplayName, ["member"] = member, ["link"] = Links.Absolute($"/scenarios/{e.ScenarioId}/apply"),
        })).ToList();
    }
}
