using Marketplace.Scenarios.Listings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// For every action whose route names a scenario (<c>scenarios/{id}</c>, or <c>{scenarioId}</c> elsewhere): a scenario the viewer may not see answers 404, exactly as
/// its detail page does — questions, objections, follows and applications included. Staff see every scenario. An
/// architecture test requires it (or a staff-only role) on each such route, so a new endpoint cannot forget it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ScenarioVisibleAttribute() : TypeFilterAttribute(typeof(Filter))
{
    private sealed class Filter(ScenarioStore scenarios, Viewers viewers) : IAsyncActionFilter
    {
        public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
        {
            if ((context.RouteData.Values.TryGetValue("scenarioId", out var raw) || context.RouteData.Values.TryGetValue("id", out raw))
                && Guid.TryParse(raw?.ToString(), out var id))
            {
                var ct = context.HttpContext.RequestAborted;
                var scenario = await scenarios.GetAsync(id, ct);
                if (scenario is null || !await viewers.CanSeeAsync(context.HttpContext.User, scenario, ct))
                {
                    context.Result = new NotFoundResult();
                    return;
                }
            }
            await next();
        }
    }
}
