using System.Reflection;
using System.Text.RegularExpressions;
using Marketplace.Accounts;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Routing;

namespace Marketplace.ArchitectureTests;

/// <summary>
/// Visibility holds route by route: every endpoint whose route names a scenario either applies the scenario's own
/// visibility rule (<see cref="ScenarioVisibleAttribute"/>) or is for staff only, who see every scenario. Read from the
/// controllers' attributes, so a new endpoint that forgets both fails here.
/// </summary>
public sealed partial class ScenarioRouteTests
{
    [GeneratedRegex(@"(^|/)scenarios/\{id(:guid)?\}|\{scenarioId(:guid)?\}", RegexOptions.IgnoreCase)]
    private static partial Regex ScenarioRoute();

    private static readonly HashSet<string> Staff = [Roles.Officer, Roles.Admin];

    internal static IEnumerable<(Type Controller, MethodInfo Action, string Template)> Routes()
    {
        var controllers = typeof(Program).Assembly.GetTypes().Where(t => typeof(ControllerBase).IsAssignableFrom(t) && !t.IsAbstract);
        foreach (var controller in controllers)
        {
            var prefixes = controller.GetCustomAttributes<RouteAttribute>().Select(r => r.Template).DefaultIfEmpty("").ToList();
            foreach (var action in controller.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                foreach (var verb in action.GetCustomAttributes<HttpMethodAttribute>())
                    foreach (var prefix in prefixes)
                    {
                        var template = verb.Template ?? "";
                        yield return (controller, action, template.StartsWith('/') || template.StartsWith("~/")
                            ? template.TrimStart('~', '/')
                            : string.Join('/', new[] { prefix, template }.Where(p => p.Length > 0)));
                    }
        }
    }

    private static bool StaffOnly(Type controller, MethodInfo action)
    {
        if (action.GetCustomAttribute<AllowAnonymousAttribute>() is not null) return false;
        var rules = controller.GetCustomAttributes<AuthorizeAttribute>().Concat(action.GetCustomAttributes<AuthorizeAttribute>()).ToList();
        // Every [Authorize] applies: the action is staff-only when at least one of them admits staff roles only.
        return rules.Any(a => a.Roles is { Length: > 0 } roles && roles.Split(',').Select(r => r.Trim()).All(Staff.Contains));
    }

    [Fact]
    public void TheRouteTable_IsRead() => Assert.Contains(Routes(), r => ScenarioRoute().IsMatch(r.Template));

    [Fact]
    public void EveryRouteNamingAScenario_AppliesItsVisibility_OrIsForStaffOnly()
    {
        var unguarded = Routes()
            .Where(r => ScenarioRoute().IsMatch(r.Template))
            .Where(r => r.Controller.GetCustomAttribute<ScenarioVisibleAttribute>() is null
                        && r.Action.GetCustomAttribute<ScenarioVisibleAttribute>() is null
                        && !StaffOnly(r.Controller, r.Action))
            .Select(r => $"{r.Controller.Name}.{r.Action.Name}: {r.Template}")
            .ToList();
        Assert.True(unguarded.Count == 0, "Routes naming a scenario without its visibility rule:\n" + string.Join('\n', unguarded));
    }
}
