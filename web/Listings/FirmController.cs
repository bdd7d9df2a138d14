using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Recommendations;
using Marketplace.Web.Accounts;
using Marketplace.Web.Search;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Listings;

public sealed record FirmDashboard(EnterpriseProfile Firm, IReadOnlyList<ScenarioRecommendation> Recommended);

/// <summary>The enterprise member's workbench: the firm and the open scenarios recommended for it.</summary>
[Route("firm"), Authorize(Roles = Roles.Enterprise)]
public sealed class FirmController(Recommendations recommendations, EnterpriseStore enterprises) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        var firmId = User.EnterpriseId()!.Value;
        var firm = await enterprises.GetAsync(firmId, ct);
        if (firm is null) return NotFound();
        var recommended = await recommendations.ForEnterpriseAsync(firmId, 10, ct);
        return View(new FirmDashboard(firm, recommended.IsSuccess ? recommended.Value : []));
    }

    [HttpPost("recommendations/{scenarioId:guid}/dismiss"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Dismiss(Guid scenarioId, CancellationToken ct)
    {
        var result = await recommendations.DismissAsync(User.EnterpriseId()!.Value, scenarioId, User.UserId(), ct);
        TempData[result.IsSuccess ? "Flash" : "Error"] = result.IsSuccess ? "已标记为不相关，今后不再推荐。" : result.FirstError.Message;
        return RedirectToAction(nameof(Index));
    }
}
