using Marketplace.Scenarios.Reviews;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using System.ComponentModel.DataAnnotations;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Process;

public sealed record AssignReviewerDto(Guid ReviewerId);

public sealed record ConflictDto([StringLength(2000, ErrorMessage = Bounds.Text)] string? Reason);

public sealed record ScoresDto([MaxLength(ReviewProcess.MaxCriteria, ErrorMessage = Bounds.List)] IReadOnlyList<CriterionScore>? Scores);

/// <summary>Expert review over the API: officers start it, assign reviewers and read the ranking; reviewers score.</summary>
[ApiController, Route("api/v1")]
public sealed class ReviewsApiController(ReviewProcess reviews) : ControllerBase
{
    [HttpPost("scenarios/{id:guid}/review/start"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Start(Guid id, CancellationToken ct)
    {
        var result = await reviews.StartAsync(id, User.UserId(), ct);
        return result.IsSuccess ? Ok(new { status = result.Value }) : this.Problem(result.Errors);
    }

    [HttpPost("applications/{applicationId:guid}/reviewers"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Assign(Guid applicationId, AssignReviewerDto body, [FromServices] Marketplace.Flows.Reviews.AssignReviewer assign, CancellationToken ct)
    {
        var result = await assign.HandleAsync(applicationId, body.ReviewerId, User.UserId(), ct);
        return result.IsSuccess ? Ok(new { assignmentId = result.Value }) : this.Problem(result.Errors);
    }

    [HttpGet("scenarios/{id:guid}/ranking"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IReadOnlyList<RankedApplication>> Ranking(Guid id, bool dropHighestAndLowest = false, CancellationToken ct = default) =>
        await reviews.RankingAsync(id, dropHighestAndLowest, ct);

    [HttpGet("reviews"), Authorize(Roles = Roles.Reviewer)]
    public async Task<IReadOnlyList<Assignment>> Mine(CancellationToken ct) => await reviews.ForReviewerAsync(User.UserId(), ct);

    [HttpPost("reviews/{assignmentId:guid}/conflict"), Authorize(Roles = Roles.Reviewer)]
    public async Task<IActionResult> Conflict(Guid assignmentId, ConflictDto body, CancellationToken ct)
    {
        var result = await reviews.DeclareConflictAsync(assignmentId, User.UserId(), body.Reason, ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }

    [HttpPost("reviews/{assignmentId:guid}/scores"), Authorize(Roles = Roles.Reviewer)]
    public async Task<IActionResult> Score(Guid assignmentId, ScoresDto body, CancellationToken ct)
    {
        var result = await reviews.SubmitScoresAsync(assignmentId, User.UserId(), body.Scores ?? [], ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }
}
