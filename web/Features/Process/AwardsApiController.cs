using Marketplace.Scenarios.Awards;
using Marketplace.Flows.Scheduling;
using Marketplace.Flows.Recommending;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Process;

public sealed record DecisionDto([MaxLength(Bounds.Winners, ErrorMessage = Bounds.List)] IReadOnlyList<Guid>? Winners,
    [StringLength(2000, ErrorMessage = Bounds.Text)] string? Reason);

/// <param name="Email">Where the confirmation link goes (not needed when signed in: the account's email is used).</param>
public sealed record ObjectionDto(
    [StringLength(ObjectionRules.MaxName, ErrorMessage = Bounds.Text)] string? Name,
    [StringLength(ObjectionRules.MaxEmail, ErrorMessage = Bounds.Text)] string? Email,
    [StringLength(ObjectionRules.MaxContent, ErrorMessage = Bounds.Text)] string? Content);

/// <param name="Confirmed">False: the objection counts only once the link emailed to the objector is followed (before <paramref name="ConfirmBy"/>).</param>
public sealed record ObjectionFiledDto(Guid ObjectionId, bool Confirmed, DateTimeOffset? ConfirmBy);

public sealed record AnswerDto([StringLength(5000, ErrorMessage = Bounds.Text)] string? Answer, bool Upheld);

public sealed record CalendarDayDto(bool Working, [StringLength(40, ErrorMessage = Bounds.Text)] string? Name);

public sealed record EvidenceDto([StringLength(5000, ErrorMessage = Bounds.Text)] string? Evidence);

public sealed record VerdictDto([StringLength(20, ErrorMessage = Bounds.Text)] string? Verdict, [StringLength(2000, ErrorMessage = Bounds.Text)] string? Note);

/// <summary>Decision, publicity (公示) with objections, and the working-day calendar.</summary>
[ApiController, Route("api/v1")]
public sealed class AwardsApiController(AwardProcess awards) : ControllerBase
{
    [HttpPost("scenarios/{id:guid}/decision"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Decide(Guid id, DecisionDto body, [FromServices] IOptions<SchedulerOptions> options, CancellationToken ct)
    {
        var result = await awards.DecideAsync(new DecisionCommand(id, body.Winners ?? [], body.Reason), User.UserId(), options.Value.PublicityWorkingDays, ct);
        return result.IsSuccess ? Ok(new { publicityEndsAt = result.Value }) : this.Problem(result.Errors);
    }

    /// <summary>
    /// Object while the proposed winners are publicised: signed in (counts at once, 200), or with an email address
    /// (stored unconfirmed, 202: it counts once the emailed link is followed). 409 for a second open objection of the
    /// same person or the same text again; 429 with Retry-After over the rate limits.
    /// </summary>
    [HttpPost("scenarios/{id:guid}/objections"), EnableRateLimiting(SecuritySetup.ObjectionsPolicy), ScenarioVisible]
    public async Task<IActionResult> Object(Guid id, ObjectionDto body, [FromServices] ObjectionFiling filing, CancellationToken ct)
    {
        var outcome = await filing.FileAsync(User, id, body.Name, body.Email, body.Content, ct);
        if (outcome.Result is not { } result)
        {
            await TooManyRequests.WriteAsync(HttpContext, outcome.RetryAfter!.Value, ct);
            return new EmptyResult();
        }
        if (!result.IsSuccess) return this.Problem(result.Errors);
        var dto = new ObjectionFiledDto(result.Value.Id, result.Value.Confirmed, result.Value.ConfirmBy);
        return result.Value.Confirmed ? Ok(dto) : Accepted(dto);
    }

    /// <summary>The objections that count (confirmed), with the objector's name and email: officers only.</summary>
    [HttpGet("scenarios/{id:guid}/objections"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IReadOnlyList<Objection>> Objections(Guid id, [FromServices] ObjectionProcess objections, CancellationToken ct) =>
        await objections.ListAsync(id, ct);

    [HttpPost("objections/{id:guid}/answer"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Answer(Guid id, AnswerDto body, [FromServices] ObjectionProcess objections, CancellationToken ct)
    {
        var result = await objections.AnswerAsync(id, User.UserId(), body.Answer, body.Upheld, ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }

    [HttpPost("scenarios/{id:guid}/delivery/start"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> StartDelivery(Guid id, [FromServices] DeliveryProcess delivery, CancellationToken ct)
    {
        var result = await delivery.StartAsync(id, User.UserId(), ct);
        return result.IsSuccess ? Ok(new { milestones = result.Value }) : this.Problem(result.Errors);
    }

    /// <summary>Milestones of a scenario: officers see all, an enterprise member only its own firm's.</summary>
    [HttpGet("scenarios/{id:guid}/milestones"), Authorize(Roles = Roles.OfficerOrAdmin + "," + Roles.Enterprise), ScenarioVisible]
    public async Task<IReadOnlyList<Milestone>> Milestones(Guid id, [FromServices] DeliveryProcess delivery, CancellationToken ct) =>
        await delivery.ListAsync(id, User.IsInRole(Roles.Enterprise) ? User.EnterpriseId() : null, ct);

    [HttpPost("milestones/{id:guid}/evidence"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Evidence(Guid id, EvidenceDto body, [FromServices] DeliveryProcess delivery, CancellationToken ct)
    {
        var result = await delivery.SubmitEvidenceAsync(id, User.EnterpriseId()!.Value, User.UserId(), body.Evidence, ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }

    [HttpPost("milestones/{id:guid}/verdict"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Verdict(Guid id, VerdictDto body, [FromServices] DeliveryProcess delivery, CancellationToken ct)
    {
        var result = await delivery.JudgeAsync(id, User.UserId(), body.Verdict, body.Note, ct);
        return result.IsSuccess ? Ok(new { scenarioStatus = result.Value }) : this.Problem(result.Errors);
    }

    [HttpPut("calendar/{day}"), Authorize(Roles = Roles.Admin)]
    public async Task<IActionResult> SetDay(DateOnly day, CalendarDayDto body, CancellationToken ct)
    {
        var result = await awards.SetCalendarDayAsync(day, body.Working, body.Name, ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }
}
