using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Flows.Eligibility;

/// <summary>
/// The one definition of what the eligibility rules know about a firm: its directory profile (verified
/// qualifications, capital, region, suspension) and its track record in the process (its last award). Submitting,
/// the re-check at the deadline, invitations and the search index all take a firm's facts from here.
/// </summary>
public sealed class ApplicantFactsSource(EnterpriseStore enterprises, ApplicationQueries applications)
{
    public static ApplicantFacts From(EnterpriseProfile firm, DateTimeOffset? lastAwardedAt) =>
        new(firm.Id, firm.Qualifications.ToArray(), firm.RegisteredCapitalWan, firm.Region, firm.SuspendedUntil, lastAwardedAt);

    public async Task<ApplicantFacts?> ForAsync(Guid enterpriseId, CancellationToken ct) =>
        await enterprises.GetAsync(enterpriseId, ct) is { } firm ? await ForAsync(firm, ct) : null;

    public async Task<ApplicantFacts> ForAsync(EnterpriseProfile firm, CancellationToken ct) =>
        From(firm, await applications.LastAwardedAtAsync(firm.Id, ct));

    /// <summary>Consortium members by credit code: their facts, and the codes the directory does not know.</summary>
    public async Task<(IReadOnlyList<ApplicantFacts> Members, IReadOnlyList<string> Unknown)> ByCreditCodesAsync(
        IReadOnlyList<string> codes, CancellationToken ct)
    {
        var members = new List<ApplicantFacts>();
        var unknown = new List<string>();
        foreach (var code in codes)
        {
            if (await enterprises.FindByCreditCodeAsync(code, ct) is { } firm) members.Add(await ForAsync(firm, ct));
            else unknown.Add(code);
        }
        return (members, unknown);
    }
}
