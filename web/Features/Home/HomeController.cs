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
        var latest = await search.SearchScenariosAsync(new ScenarioSearchQuery(null, OpenOnly: true, PageSize: 6,
            Audience: await viewers.AudienceAsync(User, ct)), ct);
        return View(latest);
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
