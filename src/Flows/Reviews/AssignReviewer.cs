using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Reviews;

namespace Marketplace.Flows.Reviews;

/// <summary>
/// An officer assigns an expert to an application, from the process page or the API alike: only a reviewer account
/// (评审专家) may be assigned, then the scenario module's review rules decide.
/// </summary>
public sealed class AssignReviewer(UserStore users, ReviewProcess reviews)
{
    public async Task<Result<Guid>> HandleAsync(Guid applicationId, Guid reviewerId, Guid officerId, CancellationToken ct)
    {
        if (await users.GetAsync(reviewerId, ct) is not { Role: Roles.Reviewer })
            return Error.Invalid("not_a_reviewer", "只能分配评审专家账号", "ReviewerId");
        return await reviews.AssignAsync(applicationId, reviewerId, officerId, ct);
    }
}
