using Marketplace.BuildingBlocks.Results;
using Marketplace.Flows.Eligibility;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Flows.Applications;

/// <summary>A firm's proposal as a page or an API client sends it: consortium members by credit code.</summary>
public sealed record ApplyCommand(
    Guid ScenarioId, Guid EnterpriseId, Guid SubmittedBy, string? Approach, decimal QuotedBudgetWan,
    string? Team, string? Schedule, string? PastCases, bool DeclaredTruthful, bool DeclaredNoDoubleFunding,
    IReadOnlyList<string> ConsortiumCreditCodes, bool Draft);

/// <summary>
/// Apply (揭榜), the flow behind both the form and the API: the applicant's and the members' facts come from
/// <see cref="ApplicantFactsSource"/>, and the scenario module's <see cref="SubmitApplication"/> decides.
/// </summary>
public sealed class ApplyForScenario(ApplicantFactsSource facts, SubmitApplication submit)
{
    /// <summary>The proposal's own field rules (lengths, required parts, declarations), for showing every problem of a form at once.</summary>
    public IReadOnlyList<Error> CheckFields(ApplyCommand c) => SubmitApplication.CheckFields(new SubmitApplicationCommand(c.ScenarioId,
        new ApplicantFacts(c.EnterpriseId, [], 0, ""), c.SubmittedBy, c.Approach, c.QuotedBudgetWan, c.Team, c.Schedule, c.PastCases,
        c.DeclaredTruthful, c.DeclaredNoDoubleFunding, [], c.Draft));

    public async Task<Result<Guid>> HandleAsync(ApplyCommand c, CancellationToken ct)
    {
        var applicant = await facts.ForAsync(c.EnterpriseId, ct);
        if (applicant is null) return Error.Forbidden("enterprise_not_found", "账号所属企业不在名录中");
        // Bounded before any work: a list of 200,000 codes is refused, not looked up one by one.
        if (c.ConsortiumCreditCodes.Count > SubmitApplication.MaxConsortiumMembers)
            return Error.Invalid("consortium_size", $"联合体除牵头单位外最多 {SubmitApplication.MaxConsortiumMembers} 家成员", "ConsortiumMembers");
        var codes = c.ConsortiumCreditCodes.Select(x => x.Trim().ToUpperInvariant()).Where(x => x.Length > 0).Distinct().ToList();
        var (members, unknown) = await facts.ByCreditCodesAsync(codes, ct);
        if (unknown.Count > 0)
            return Error.Invalid("consortium_unknown", $"名录中没有这些统一社会信用代码：{string.Join("、", unknown)}", "ConsortiumMembers");
        return await submit.HandleAsync(new SubmitApplicationCommand(c.ScenarioId, applicant, c.SubmittedBy, c.Approach, c.QuotedBudgetWan,
            c.Team, c.Schedule, c.PastCases, c.DeclaredTruthful, c.DeclaredNoDoubleFunding, members, c.Draft), ct);
    }
}
