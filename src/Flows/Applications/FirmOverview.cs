using Marketplace.Matching.Feedback;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Flows.Applications;

/// <summary>An invitation the firm received, with the scenario it names and whether the firm has applied since.</summary>
public sealed record InvitationSeen(Guid ScenarioId, string Title, string Code, string ScenarioStatus, DateTimeOffset ClosesAt,
    DateTimeOffset InvitedAt, IReadOnlyList<string> Reasons, string? ApplicationStatus, bool Open);

/// <summary>A firm's “我的申报”: its applications with their states and results, invitations, and milestones due.</summary>
public sealed record FirmWork(IReadOnlyList<FirmApplication> Applications, IReadOnlyList<InvitationSeen> Invitations,
    IReadOnlyList<Milestone> Milestones, IReadOnlyDictionary<Guid, string> ScenarioTitles);

/// <summary>
/// Everything a firm has going on in the process, read from the modules that own it (applications and awards from
/// Scenarios, invitations from Matching), and the one rule for the badges cards show: 已申报, 草稿, 已邀请.
/// </summary>
public sealed class FirmOverview(ApplicationQueries applications, MatchingFeedbackStore invitations, DeliveryProcess delivery, ScenarioStore scenarios,
    TimeProvider clock)
{
    public async Task<FirmWork> ForAsync(Guid enterpriseId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var own = await applications.ListForEnterpriseAsync(enterpriseId, ct);
        var byScenario = own.ToDictionary(a => a.ScenarioId, a => a.Status);
        var seen = new List<InvitationSeen>();
        foreach (var i in await invitations.InvitationsReceivedAsync(enterpriseId, ct))
        {
            // Invitations are only made to public scenarios; one withdrawn from view since is not shown.
            if (await scenarios.GetAsync(i.ScenarioId, ct) is not { IsPublic: true } s) continue;
            seen.Add(new InvitationSeen(s.Id, s.Title, s.Code, s.Status, s.ClosesAt, i.InvitedAt, i.Reasons,
                byScenario.GetValueOrDefault(s.Id), s.Status == ScenarioStatus.Published && s.ClosesAt > now));
        }
        var milestones = await delivery.ListForEnterpriseAsync(enterpriseId, ct);
        var titles = new Dictionary<Guid, string>();
        foreach (var id in milestones.Select(m => m.ScenarioId).Distinct())
            titles[id] = (await scenarios.GetAsync(id, ct))?.Title ?? "";
        return new FirmWork(own, seen, milestones, titles);
    }

    /// <summary>The badge each scenario carries for this firm: 已申报 (submitted or awaiting its consortium), 草稿, or 已邀请.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> BadgesAsync(Guid enterpriseId, CancellationToken ct)
    {
        var badges = new Dictionary<Guid, string>();
        foreach (var i in await invitations.InvitationsReceivedAsync(enterpriseId, ct)) badges[i.ScenarioId] = Badge.Invited;
        foreach (var a in await applications.ListForEnterpriseAsync(enterpriseId, ct))
        {
            if (a.Status == "draft") badges[a.ScenarioId] = Badge.Draft;
            else if (a.Status != "withdrawn") badges[a.ScenarioId] = Badge.Applied;
        }
        return badges;
    }

    public static class Badge
    {
        public const string Applied = "已申报";
        public const string Draft = "草稿";
        public const string Invited = "已邀请";
    }
}
