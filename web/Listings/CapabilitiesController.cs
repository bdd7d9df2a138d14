using Marketplace.Matching.Search;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Listings;

/// <summary>The public capability list (能力清单): firms searchable by what they can do.</summary>
[Route("capabilities")]
public sealed class CapabilitiesController(ISearchEngine search) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] CapabilityFilters f, CancellationToken ct) =>
        View(new CapabilitySearchPage(f, await search.SearchEnterprisesAsync(f.ToQuery(), ct)));
}
