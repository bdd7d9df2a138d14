using Marketplace.Accounts;
using Marketplace.BuildingBlocks.Results;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Marketplace.Web.Features.Accounts;

/// <summary>
/// An enterprise account acts for a firm only once an officer has verified its claim. Every action that admits the
/// enterprise role (apply, withdraw, propose, recommendations, milestones, the workbench…) is refused to an enterprise
/// account without a firm: the API answers 403 with <c>firm_not_verified</c>, pages send the person to the claim page.
/// One global check, so a new firm action cannot forget it.
/// </summary>
public sealed class FirmRequiredFilter : IAuthorizationFilter
{
    public const string Code = "firm_not_verified";

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var user = context.HttpContext.User;
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(Roles.Enterprise) || user.EnterpriseId() is not null) return;
        var admitsFirms = context.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
            .Any(a => a.Roles?.Split(',').Select(r => r.Trim()).Contains(Roles.Enterprise) == true);
        if (!admitsFirms) return;
        if (context.HttpContext.Request.Path.StartsWithSegments("/api"))
        {
            var controller = new ProblemHost();
            context.Result = controller.Problem([Error.Forbidden(Code, "您的企业认领尚未通过审核，通过后才能以企业身份操作")]);
        }
        else context.Result = new RedirectResult("/account/claim");
    }

    /// <summary>The result mapping works on a controller; a bare one gives it the same ProblemDetails as every API error.</summary>
    private sealed class ProblemHost : ControllerBase;
}
