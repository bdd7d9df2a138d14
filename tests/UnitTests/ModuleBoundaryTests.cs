using System.Reflection;

namespace Marketplace.UnitTests;

/// <summary>Modules reference only the shared kernel, never each other, the host or MVC; flows and the host compose them.</summary>
public sealed class ModuleBoundaryTests
{
    public static TheoryData<string> Modules() => new(
        typeof(Marketplace.Accounts.AccountsModule).Assembly.GetName().Name!,
        typeof(Marketplace.Notifications.NotificationsModule).Assembly.GetName().Name!,
        typeof(Marketplace.Enterprises.EnterprisesModule).Assembly.GetName().Name!,
        typeof(Marketplace.Scenarios.ScenariosModule).Assembly.GetName().Name!,
        typeof(Marketplace.Matching.MatchingModule).Assembly.GetName().Name!);

    [Theory, MemberData(nameof(Modules))]
    public void Module_ReferencesOnlyBuildingBlocks_AndNoWebFramework(string module)
    {
        var references = Assembly.Load(module).GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references.Where(r => r.StartsWith("Marketplace.", StringComparison.Ordinal)),
            r => Assert.Equal("Marketplace.BuildingBlocks", r));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore.Mvc", StringComparison.Ordinal));
    }
}
