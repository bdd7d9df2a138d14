using Marketplace.Notifications.Email;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Flows.Notices;

/// <summary>The invitation an officer sends to a recommended firm, with the matcher's reasons.</summary>
public static class InvitationEmail
{
    public static Dictionary<string, object?> Model(Scenario s, string firmName, IReadOnlyList<string> reasons, string link) => new()
    {
        ["firm"] = firmName, ["department"] = string.IsNullOrWhiteSpace(s.OwnerDepartment) ? "通州区科学技术委员会" : s.OwnerDepartment, ["title"] = s.Title, ["code"] = s.Code, ["summary"] = s.Summary, ["deadline"] = EmailTemplates.Time(s.ClosesAt),
        ["reasons"] = reasons, ["link"] = link,
    };

    public static string DedupeKey(Scenario s, string to) => $"matching.invitation.v1:{s.Id}:{to.Trim().ToLowerInvariant()}";
}
