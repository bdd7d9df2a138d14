using Marketplace.Flows.Applications;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Marketplace.Flows.Recommending;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using System.ComponentModel.DataAnnotations;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Scenarios;

public sealed record ScenarioSummaryDto(Guid Id, string Code, string Title, string Category, string Domain, string Location,
    string Status, DateTimeOffset ClosesAt, IReadOnlyList<string> Technologies, string TitleHtml, string SnippetHtml);

public sealed record ScenarioSearchDto(int Total, int Page, IReadOnlyDictionary<string, int> CategoryCounts,
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets, IReadOnlyList<ScenarioSummaryDto> Items);

/// <param name="ConsortiumMembers">Credit codes (统一社会信用代码) of up to four member firms; the caller's firm leads.</param>
/// <param name="Draft">Only save (草稿): nothing is checked but lengths, nothing is sent.</param>
public sealed record SubmitApplicationDto([StringLength(20000, ErrorMessage = Bounds.Text)] string? Approach, decimal QuotedBudgetWan,
    [StringLength(5000, ErrorMessage = Bounds.Text)] string? Team = null, [StringLength(5000, ErrorMessage = Bounds.Text)] string? Schedule = null,
    [StringLength(5000, ErrorMessage = Bounds.Text)] string? PastCases = null, bool DeclaredTruthful = false, bool DeclaredNoDoubleFunding = false,
    IReadOnlyList<string>? ConsortiumMembers = null, bool Draft = false);

public sealed record RecommendationDto(Guid EnterpriseId, string Name, string Region, double Score, IReadOnlyList<Reason> Reasons, bool Invited);

public sealed record InviteDto(Guid EnterpriseId);

public sealed record ReasonDto([StringLength(2000, ErrorMessage = Bounds.Text)] string? Reason);

public sealed record QuestionDto([StringLength(2000, ErrorMessage = Bounds.Text)] string? Question);

public sealed record AnswerQuestionDto([StringLength(5000, ErrorMessage = Bounds.Text)] string? Answer);

public sealed record TermsDto(DateTimeOffset? ClosesAt, decimal BudgetMaxWan,
    [MaxLength(CreateScenario.MaxListItems, ErrorMessage = Bounds.List)] IReadOnlyList<string>? RequiredQualifications,
    decimal MinRegisteredCapitalWan, [StringLength(10000, ErrorMessage = Bounds.Text)] string? Description,
    [StringLength(1000, ErrorMessage = Bounds.Text)] string? ChangeNote);

public sealed record ScenarioRecommendationDto(Guid ScenarioId, string Code, string Title, string Category, string Domain,
    DateTimeOffset ClosesAt, double Score, IReadOnlyList<Reason> Reasons);

public sealed record CreatedDto(Guid Id);

/// <summary>The JSON API (<c>/api/v1</c>): the same use cases as the pages.</summary>
[ScenarioVisible]
[ApiController, Route("api/v1/scenarios")]
public sealed class ScenariosApiController(ScenarioStore scenarios) : ControllerBase
{
    /// <summary>Search published scenarios: Chinese full text, filters (category, domain, technology, location, status), facets, highlights.</summary>
    [HttpGet("")]
    public async Task<ActionResult<ScenarioSearchDto>> Search([FromServices] ISearchEngine search, [FromServices] Viewers viewers, [FromQuery] ScenarioFilters filters,
        int pageSize = 20, CancellationToken ct = default)
    {
        if (filters.Category is not null && !ScenarioCategory.All.Contains(filters.Category))
            return ValidationProblem(new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary().With("category", "未知的场景类别"));
        if (pageSize is < 1 or > 100)
            return ValidationProblem(new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary().With("pageSize", "每页条数应为 1–100"));
        var query = filters.ToQuery(pageSize) with { Audience = await viewers.AudienceAsync(User, ct) };
        var r = await search.SearchScenariosAsync(query, ct);
        return new ScenarioSearchDto(r.Total, query.Page, r.CategoryCounts, r.Facets, r.Hits.Select(h => new ScenarioSummaryDto(
            h.Id, h.Code, h.Title, h.Category, h.Domain, h.Location, h.Status, h.ClosesAt, h.Technologies, h.TitleHtml, h.SnippetHtml)).ToList());
    }

    /// <summary>One scenario. Drafts are visible to officers only.</summary>
    [HttpGet("{id:guid}")]
    public async Task<ActionResult<Scenario>> Get(Guid id, CancellationToken ct)
    {
        var s = await scenarios.GetAsync(id, ct);
        if (s is null) return NotFound(); // visibility: [ScenarioVisible] on the controller
        return s;
    }

    /// <summary>Draft a scenario (officers).</summary>
    [HttpPost(""), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Create(CreateScenarioCommand command, [FromServices] CreateScenario create, CancellationToken ct)
    {
        var result = await create.HandleAsync(command, ct, User.UserId());
        return result.IsSuccess ? CreatedAtAction(nameof(Get), new { id = result.Value }, new CreatedDto(result.Value)) : this.Problem(result.Errors);
    }

    /// <summary>A firm poses a problem (企业出题): it becomes a proposed scenario (待审核) for officers to edit and publish or reject.</summary>
    [HttpPost("proposals"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Propose(CreateScenarioCommand command, [FromServices] ProposeScenario propose, CancellationToken ct)
    {
        var result = await propose.HandleAsync(command, User.UserId(), User.EnterpriseId()!.Value, ct);
        return result.IsSuccess ? CreatedAtAction(nameof(Get), new { id = result.Value }, new CreatedDto(result.Value)) : this.Problem(result.Errors);
    }

    /// <summary>Decline to publish a proposed or drafted scenario (officers), with the reason.</summary>
    [HttpPost("{id:guid}/reject"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Reject(Guid id, ReasonDto body, [FromServices] RejectScenario reject, CancellationToken ct)
    {
        var result = await reject.HandleAsync(id, User.UserId(), body.Reason, ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }

    /// <summary>Publish (张榜) a draft or proposed scenario (officers).</summary>
    [HttpPost("{id:guid}/publish"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Publish(Guid id, [FromServices] PublishScenario publish, CancellationToken ct)
    {
        var result = await publish.HandleAsync(id, ct, User.UserId());
        if (!result.IsSuccess) return this.Problem(result.Errors);
        return Ok(result.Value);
    }

    /// <summary>Apply (揭榜) as the signed-in enterprise member's firm; a second call edits the application.</summary>
    [HttpPost("{id:guid}/applications"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Apply(Guid id, SubmitApplicationDto body, [FromServices] ApplyForScenario apply, CancellationToken ct)
    {
        var result = await apply.HandleAsync(new ApplyCommand(id, User.EnterpriseId()!.Value, User.UserId(), body.Approach, body.QuotedBudgetWan,
            body.Team, body.Schedule, body.PastCases, body.DeclaredTruthful, body.DeclaredNoDoubleFunding, body.ConsortiumMembers ?? [], body.Draft), ct);
        if (!result.IsSuccess) return this.Problem(result.Errors);
        return Ok(new CreatedDto(result.Value));
    }

    /// <summary>Change the terms of a published scenario (officers); applicants are asked to confirm again.</summary>
    [HttpPut("{id:guid}/terms"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> ChangeTerms(Guid id, TermsDto body, [FromServices] ChangeTerms change, CancellationToken ct)
    {
        var result = await change.HandleAsync(new ChangeTermsCommand(id, body.ClosesAt, body.BudgetMaxWan, body.RequiredQualifications,
            body.MinRegisteredCapitalWan, body.Description, body.ChangeNote), User.UserId(), ct);
        // No count of applicants in the answer: before the deadline nobody but each applicant may learn how many applied.
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }

    /// <summary>Confirm the firm's application under changed terms (enterprise members).</summary>
    [HttpPost("{id:guid}/applications/reconfirm"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Reconfirm(Guid id, [FromServices] ChangeTerms change, CancellationToken ct)
    {
        var result = await change.ReconfirmAsync(id, User.EnterpriseId()!.Value, User.UserId(), ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }

    /// <summary>Questions and answers (答疑): answered ones are public; officers also see the open ones.</summary>
    [HttpGet("{id:guid}/questions")]
    public async Task<IReadOnlyList<Question>> Questions(Guid id, [FromServices] Questions questions, CancellationToken ct) =>
        await questions.ListAsync(id, User.IsInRole(Roles.Officer) || User.IsInRole(Roles.Admin), ct);

    [HttpPost("{id:guid}/questions"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Ask(Guid id, QuestionDto body, [FromServices] Questions questions, CancellationToken ct)
    {
        var result = await questions.AskAsync(id, User.UserId(), body.Question, ct);
        return result.IsSuccess ? Ok(new CreatedDto(result.Value)) : this.Problem(result.Errors);
    }

    [HttpPost("questions/{questionId:guid}/answer"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> AnswerQuestion(Guid questionId, AnswerQuestionDto body, [FromServices] Questions questions, CancellationToken ct)
    {
        var result = await questions.AnswerAsync(questionId, User.UserId(), body.Answer, ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }

    /// <summary>Withdraw the firm's application before the deadline (enterprise members).</summary>
    [HttpPost("{id:guid}/applications/withdraw"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Withdraw(Guid id, [FromServices] WithdrawApplication withdraw, CancellationToken ct)
    {
        var result = await withdraw.HandleAsync(new WithdrawApplicationCommand(id, User.EnterpriseId()!.Value, User.UserId()), ct);
        if (!result.IsSuccess) return this.Problem(result.Errors);
        return NoContent();
    }

    /// <summary>
    /// The applications of a scenario (officers), only after it closed. Before the deadline the answer is 404: the
    /// applications are sealed and even their number is not shown.
    /// </summary>
    [HttpGet("{id:guid}/applications"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Applications(Guid id, [FromServices] ApplicationQueries applications, CancellationToken ct)
    {
        var rows = await applications.ListAfterCloseAsync(id, ct);
        return rows is null ? NotFound() : Ok(rows);
    }

    /// <summary>Recommended firms for a scenario, with reasons (officers). Firms that dismissed it are left out.</summary>
    [HttpGet("{id:guid}/recommendations"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Recommendations(Guid id, [FromServices] Recommendations recommendations,
        int limit = 20, CancellationToken ct = default)
    {
        var result = await recommendations.ForScenarioAsync(id, Math.Clamp(limit, 1, 100), ct);
        if (!result.IsSuccess) return this.Problem(result.Errors);
        return Ok(result.Value.Items.Select(r => new RecommendationDto(r.Enterprise.Id, r.Enterprise.Name, r.Enterprise.Region, r.Score, r.Reasons,
            result.Value.Invited.Contains(r.Enterprise.Id))).ToList());
    }

    /// <summary>Invite a firm to apply (officers); one email per person of the firm, through the outbox.</summary>
    [HttpPost("{id:guid}/invitations"), Authorize(Roles = Roles.OfficerOrAdmin)]
    public async Task<IActionResult> Invite(Guid id, InviteDto body, [FromServices] Recommendations recommendations, CancellationToken ct)
    {
        var result = await recommendations.InviteAsync(id, body.EnterpriseId, User.UserId(), ct);
        if (!result.IsSuccess) return this.Problem(result.Errors);
        return Ok(new { recipients = result.Value.Sent, heldBack = result.Value.HeldBack.Select(h => new { address = h.Address, code = h.Code, reason = h.Reason }) });
    }
}

/// <summary>The public capability list (能力清单) as JSON.</summary>
[ApiController, Route("api/v1/capabilities")]
public sealed class CapabilitiesApiController(ISearchEngine search) : ControllerBase
{
    [HttpGet("")]
    public async Task<ActionResult<EnterpriseSearchResult>> Search([FromQuery] CapabilityFilters filters, int pageSize = 20, CancellationToken ct = default)
    {
        if (pageSize is < 1 or > 100)
            return ValidationProblem(new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary().With("pageSize", "每页条数应为 1–100"));
        return await search.SearchEnterprisesAsync(filters.ToQuery(pageSize), ct);
    }
}

/// <summary>The signed-in enterprise member's own view: recommended open scenarios and "not relevant".</summary>
/// <summary>The antiforgery token a cookie-authenticated script sends as <c>X-CSRF-TOKEN</c> on changing calls.</summary>
[ApiController, Route("api/v1/antiforgery")]
public sealed class AntiforgeryApiController(Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery) : ControllerBase
{
    [HttpGet("")]
    public IActionResult Get() => Ok(new { header = ApiAntiforgery.HeaderName, token = antiforgery.GetAndStoreTokens(HttpContext).RequestToken });
}

[ApiController, Route("api/v1/me"), Authorize(Roles = Roles.Enterprise)]
public sealed class MeApiController(Recommendations recommendations) : ControllerBase
{
    [HttpGet("recommendations")]
    public async Task<IActionResult> Recommended(int limit = 10, CancellationToken ct = default)
    {
        var result = await recommendations.ForEnterpriseAsync(User.EnterpriseId()!.Value, Math.Clamp(limit, 1, 50), ct);
        if (!result.IsSuccess) return this.Problem(result.Errors);
        return Ok(result.Value.Select(r => new ScenarioRecommendationDto(r.Scenario.Id, r.Scenario.Code, r.Scenario.Title,
            r.Scenario.Category, r.Scenario.Domain, r.Scenario.ClosesAt, r.Score, r.Reasons)).ToList());
    }

    [HttpPost("recommendations/{scenarioId:guid}/dismiss"), ScenarioVisible]
    public async Task<IActionResult> Dismiss(Guid scenarioId, CancellationToken ct)
    {
        var result = await recommendations.DismissAsync(User.EnterpriseId()!.Value, scenarioId, User.UserId(), ct);
        return result.IsSuccess ? NoContent() : this.Problem(result.Errors);
    }
}

internal static class ModelStateExtensions
{
    public static Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary With(
        this Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary modelState, string key, string message)
    {
        modelState.AddModelError(key, message);
        return modelState;
    }
}
