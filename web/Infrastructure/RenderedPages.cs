using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Marketplace.BuildingBlocks.Caching;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The HTML of visitor pages drawn from a shared answer (the hall, the capability list and the home page from a search
/// answer; the scenario page from its answer kept per data version), kept for exactly as long as that answer object
/// lives. The search engine hands out the same answer object for as long as it holds (same index generation, same
/// audience, before the next deadline it depends on), and a <c>VersionedCache</c> for as long as the database is
/// unchanged, so a page rendered from it is the same page: invalidation is the answer's, never a timer's. Only
/// anonymous GETs that answer 200 with no flash message, no model error, no cookie set and no form token are kept; the
/// key adds what the layout reads from the request besides the answer — language, scheme, host, path and query — and
/// the caller's variant.
/// </summary>
public sealed class RenderedPages
{
    private const int VariantsPerAnswer = 16;
    private readonly ConditionalWeakTable<object, ConcurrentDictionary<string, byte[]>> _pages = new();

    /// <summary>The view of <paramref name="model"/>, served from or stored in the pages rendered from <paramref name="answer"/>.</summary>
    /// <param name="variant">What else the page shows that the answer does not determine (e.g. whether a scenario still accepts applications).</param>
    public IActionResult View(Controller controller, object answer, object model, string? viewName = null, string? variant = null)
    {
        var view = viewName is null ? controller.View(model) : controller.View(viewName, model);
        if (!Cacheable(controller)) return view;
        var request = controller.Request;
        var key = string.Join('\n', CultureInfo.CurrentUICulture.Name, request.Scheme, request.Host.Value, request.Path.Value, request.QueryString.Value, variant);
        var pages = _pages.GetOrCreateValue(answer);
        return pages.TryGetValue(key, out var html)
            ? new HtmlBytesResult(html)
            : new CapturingViewResult(view, bytes => { if (pages.Count < VariantsPerAnswer) pages[key] = bytes; });
    }

    private static bool Cacheable(Controller c) =>
        HttpMethods.IsGet(c.Request.Method) && c.User.Identity?.IsAuthenticated != true && c.ModelState.IsValid
        && c.Response.StatusCode == StatusCodes.Status200OK && c.TempData.Count == 0 && !c.Request.Cookies.ContainsKey(TempDataCookie);

    private const string TempDataCookie = ".AspNetCore.Mvc.CookieTempDataProvider";

    private const string HtmlType = "text/html; charset=utf-8";

    private static ReadOnlySpan<byte> TokenField => "__RequestVerificationToken"u8;

    private sealed class HtmlBytesResult(byte[] html) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.ContentType = HtmlType;
            response.ContentLength = html.Length;
            return response.Body.WriteAsync(html, 0, html.Length, context.HttpContext.RequestAborted);
        }
    }

    /// <summary>Renders the view into a buffer, keeps it if nothing personal was added on the way, then sends it.</summary>
    private sealed class CapturingViewResult(ViewResult view, Action<byte[]> keep) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            var original = response.Body;
            using var buffer = new PieceBuffer();
            response.Body = buffer;
            try { await view.ExecuteResultAsync(context); }
            finally { response.Body = original; }
            var html = buffer.ToArray();
            // A form's antiforgery token belongs to one visitor's cookie: a page carrying one is never shared.
            if (response.StatusCode == StatusCodes.Status200OK && !response.Headers.ContainsKey("Set-Cookie")
                && string.Equals(response.ContentType, HtmlType, StringComparison.OrdinalIgnoreCase)
                && html.AsSpan().IndexOf(TokenField) < 0)
                keep(html);
            response.ContentLength = html.Length;
            await original.WriteAsync(html, context.HttpContext.RequestAborted);
        }
    }
}
