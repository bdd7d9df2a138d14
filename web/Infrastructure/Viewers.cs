using System.Security.Claims;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Documents;
using Marketplace.Scenarios.Listings;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Infrastructure;

/// <summary>Who is looking, as visibility rules need it: staff see everything, a firm sees by its registered region.</summary>
public sealed class Viewers(EnterpriseStore enterprises)
{
    public static bool IsStaff(ClaimsPrincipal user) => user.IsInRole(Roles.Officer) || user.IsInRole(Roles.Admin);

    public async Task<string?> RegionAsync(ClaimsPrincipal user, CancellationToken ct) =>
        user.EnterpriseId() is { } id ? (await enterprises.GetAsync(id, ct))?.Region : null;

    /// <summary>The scenario's own rule; the firm's region is read only when the scenario is shared with partners.</summary>
    public async Task<bool> CanSeeAsync(ClaimsPrincipal user, Scenario s, CancellationToken ct) =>
        s.IsVisibleTo(s.Visibility == ScenarioVisibility.Public ? null : await RegionAsync(user, ct), IsStaff(user));

    /// <summary>The audience terms to search with: every scenario for staff, otherwise public plus the viewer's region.</summary>
    public async Task<IReadOnlyList<string>> AudienceAsync(ClaimsPrincipal user, CancellationToken ct) =>
        IsStaff(user) ? ScenarioAudience.All : ScenarioAudience.ForViewer(await RegionAsync(user, ct));
}
