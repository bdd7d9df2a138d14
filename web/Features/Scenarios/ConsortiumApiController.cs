using Marketplace.Scenarios.Applications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Scenarios;

/// <summary>Consortium requests over the API, for members of a named firm: list them, confirm or decline.</summary>
/// <remarks>Listed with the scenario operations in the API reference: they are part of applying.</remarks>
[Tags("ScenariosApi")]
[ApiController, Route("api/v1"), Authorize(Roles = Marketplace.Accounts.Roles.Enterprise)]
public sealed class ConsortiumApiController(ConsortiumConsents consents) : ControllerBase
{
    [HttpGet("me/consortium-requests")]
    public async Task<IReadOnlyList<ConsortiumRequest>> Mine(CancellationToken ct) => await consents.ListForMemberAsync(User.EnterpriseId()!.Value, ct);

    /// <summary>Confirm the firm's part in a consortium application that names it (404 when it does not).</summary>
    [HttpPost("consortium-requests/{applicationId:guid}/confirm")]
    public Task<IActionResult> Confirm(Guid applicationId, CancellationToken ct) => AnswerAsync(applicationId, true, ct);

    /// <summary>Decline: the lead is told, and the application does not count until its members all confirm.</summary>
    [HttpPost("consortium-requests/{applicationId:guid}/decline")]
    public Task<IActionResult> Decline(Guid applicationId, CancellationToken ct) => AnswerAsync(applicationId, false, ct);

    private async Task<IActionResult> AnswerAsync(Guid applicationId, bool confirm, CancellationToken ct)
    {
        var result = await consents.AnswerAsync(applicationId, User.EnterpriseId()!.Value, User.UserId(), confirm, ct);
        return result.IsSuccess ? Ok(new { applicationStatus = result.Value }) : this.Problem(result.Errors);
    }
}
