using Marketplace.Scenarios.Awards;
using Marketplace.Flows.Scheduling;
using Marketplace.Flows.Recommending;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Process;

public sealed record DecisionDto(IReadOnlyList<Guid>? Winners, string? Reason);

public sealed record ObjectionDto(string? Name, string? Contact, string? Content);

public sealed record AnswerDto(string? Answer, bool Upheld);

public sealed record CalendarDayDto(bool Working, string? Name);

public sealed record EvidenceDto(string? Evidence);

public sealed record VerdictDto(string? Verdict, string? Note);

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

    /// <summary>Anyone may object while the proposed winners are publicised.</summary>
    [HttpPost("scenarios/{id:guid}/objections"), EnableRateLimiting(SecuritySetup.LoginPolicy), ScenarioVisible]
    public async Task<IActionResult> Object(Guid id, ObjectionDto body, CancellationToken ct)
    {
        var result = await awards.FileObjectionAsync(new ObjectionCommand(id, body.Name, body.Contact, body.Content), ct);
        return result.IsSuccess ? Ok(new { objectionId = result.Value }) : this.Problem(result.Errors);
    }

    [HttpGet("scenarios/{id:guid}/objections"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IReadOnlyList<Objection>> Objections(Guid id, CancellationToken ct) => await awards.ObjectionsAsync(id, ct);

    [HttpPost("objections/{id:guid}/answer"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Answer(Guid id, AnswerDto body, CancellationToken ct)
    {
        var result = await awards.AnswerObjectionAsync(id, User.UserId(), body.Answer, body.Upheld, ct);
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
