using Marketplace.Matching.Search;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Home;

public sealed class HomeController(ISearchEngine search, Viewers viewers, Marketplace.Web.Infrastructure.RenderedPages pages) : Controller
{
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        // What this visitor may see, as on the detail page: partner-only scenarios stay off a stranger's home page.
        var query = new ScenarioSearchQuery(null, OpenOnly: true, PageSize: 6, Audience: await viewers.AudienceAsync(User, ct));
        try
        {
            var result = await search.SearchScenariosAsync(query, ct);
            return pages.View(this, result, result);
        }
        catch (SearchUnavailableException)
        {
            // The home page is more than its list: it stays up and says why the list is missing.
            ViewBag.SearchDown = true;
            return View(new ScenarioSearchResult([], 0, new Dictionary<string, int>(), new Dictionary<string, IReadOnlyList<FacetCount>>()));
        }
    }

    /// <summary>
    /// Switches the interface language (zh-CN or en) and returns to the page the user was on. The header's switch is a
    /// plain link (GET): a page of search results carries no form token then, so the same HTML serves every visitor
    /// (<see cref="Infrastructure.RenderedPages"/>); the worst a foreign page can do with it is change a reader's language.
    /// </summary>
    [HttpGet("/language")]
    public IActionResult SwitchLanguage(string? culture, string? returnUrl) => Language(culture ?? "", returnUrl);

    /// <summary>The same switch as a form post (older pages and clients).</summary>
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
