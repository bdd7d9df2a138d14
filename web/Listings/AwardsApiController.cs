using Marketplace.Scenarios.Awards;
using Marketplace.Web.Accounts;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Listings;

public sealed record DecisionDto(IReadOnlyList<Guid>? Winners, string? Reason);

public sealed record ObjectionDto(string? Name, string? Contact, string? Content);

public sealed record AnswerDto(string? Answer, bool Upheld);

public sealed record CalendarDayDto(bool Working, string? Name);

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
    [HttpPost("scenarios/{id:guid}/objections"), EnableRateLimiting(SecuritySetup.LoginPolicy)]
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

    [HttpPut("calendar/{day}"), Authorize(Roles = Roles.Admin)]
    public async Task<IActionResult> SetDay(DateOnly day, CalendarDayDto body, CancellationToken ct)
    {
        var result = await awards.SetCalendarDayAsync(day, body.Working, body.Name, ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }
}
