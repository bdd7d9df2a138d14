using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Marks the link to the page being shown with <c>aria-current="page"</c> in every tab bar (a link directly inside a
/// <c>nav</c>), so the current tab is announced and styled without each view computing it. Links that say it
/// themselves (the header's section links) are left alone.
/// </summary>
[HtmlTargetElement("a", Attributes = "href", ParentTag = "nav")]
public sealed class CurrentLinkTagHelper : TagHelper
{
    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (context.AllAttributes.ContainsName("aria-current")) return;
        var href = output.Attributes["href"]?.Value?.ToString();
        if (string.IsNullOrEmpty(href) || !href.StartsWith('/')) return;
        var request = ViewContext.HttpContext.Request;
        var path = href.Split('?', '#')[0];
        if (string.Equals(path.TrimEnd('/'), (request.Path.Value ?? "").TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            output.Attributes.SetAttribute("aria-current", "page");
    }
}
