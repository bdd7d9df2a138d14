using Marketplace.Matching.Search;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Directory;

/// <summary>The public capability list (能力清单): firms searchable by what they can do.</summary>
[Route("capabilities")]
public sealed class CapabilitiesController(ISearchEngine search, Marketplace.Web.Infrastructure.RenderedPages pages) : Controller
{
    /// <summary>A firm's public capability card; firms that have not opted in have none.</summary>
    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Card(Guid id, [FromServices] Marketplace.Enterprises.Profiles.EnterpriseStore enterprises, CancellationToken ct)
    {
        var firm = await enterprises.GetAsync(id, ct);
        return firm is { PublicCard: true } ? View(firm) : NotFound();
    }

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] CapabilityFilters f, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            // An over-long query or facet is not searched for: the list without filters, and the message.
            TempData["Error"] = string.Join("；", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            f = new CapabilityFilters();
        }
        var result = await search.SearchEnterprisesAsync(f.ToQuery(), ct);
        return pages.View(this, result, new CapabilitySearchPage(f, result));
    }
}
