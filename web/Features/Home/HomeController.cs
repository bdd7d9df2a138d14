using Marketplace.Matching.Search;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Home;

public sealed class HomeController(ISearchEngine search, Viewers viewers) : Controller
{
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        // What this visitor may see, as on the detail page: partner-only scenarios stay off a stranger's home page.
        var query = new ScenarioSearchQuery(null, OpenOnly: true, PageSize: 6, Audience: await viewers.AudienceAsync(User, ct));
        try
        {
            return View(await search.SearchScenariosAsync(query, ct));
        }
        catch (SearchUnavailableException)
        {
            // The home page is more than its list: it stays up and says why the list is missing.
            ViewBag.SearchDown = true;
            return View(new ScenarioSearchResult([], 0, new Dictionary<string, int>(), new Dictionary<string, IReadOnlyList<FacetCount>>()));
        }
    }

    /// <summary>Switches the interface language (zh-CN or en) and returns to the page the user was on.</summary>
    [HttpPost("/language"), ValidateAntiForgeryToken]
    public IActionResult Language(string culture, string? returnUrl)
    {
        if (culture is not ("zh-CN" or "en")) culture = "zh-CN";
        Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
