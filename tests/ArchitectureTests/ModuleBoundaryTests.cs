using Assembly = System.Reflection.Assembly;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Marketplace.ArchitectureTests;

/// <summary>
/// The arrows that must not exist (README "Architecture"), checked on the compiled assemblies: the host holds no data
/// access, modules do not know each other or MVC, and only the flows project composes modules.
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Assembly Web = typeof(Program).Assembly;
    private static readonly Assembly Flows = typeof(Marketplace.Flows.FlowsModule).Assembly;

    /// <summary>The business modules; each may use BuildingBlocks and nothing of the others.</summary>
    internal static readonly IReadOnlyList<Assembly> Modules = Solution.ModuleAssemblies();

    private static readonly Architecture Architecture = new ArchLoader()
        .LoadAssemblies([Web, Flows, typeof(Marketplace.BuildingBlocks.Results.Error).Assembly, .. Modules,
            typeof(Npgsql.NpgsqlConnection).Assembly, typeof(Dapper.SqlMapper).Assembly,
            typeof(Microsoft.AspNetCore.Mvc.ControllerBase).Assembly])
        .Build();

    [Fact]
    public void TheHost_UsesNoDataSourceConnectionOrDapper() =>
        Types().That().ResideInAssembly(Web)
            .Should().NotDependOnAny(Types().That().ResideInAssembly(typeof(Npgsql.NpgsqlConnection).Assembly, typeof(Dapper.SqlMapper).Assembly))
            .Because("web/ translates HTTP into use cases; SQL lives in the module that owns the tables")
            .Check(Architecture);

    [Fact]
    public void Modules_DoNotReferenceEachOther()
    {
        foreach (var module in Modules)
        {
            var others = Modules.Where(m => m != module).Append(Flows).Append(Web).ToArray();
            Types().That().ResideInAssembly(module)
                .Should().NotDependOnAny(Types().That().ResideInAssembly(others[0], others[1..]))
                .Because($"{module.GetName().Name} reads other modules only through their published views, and flows compose modules")
                .Check(Architecture);
        }
    }

    [Fact]
    public void ModulesAndFlows_DoNotDependOnMvc()
    {
        foreach (var assembly in Modules.Append(Flows))
            Types().That().ResideInAssembly(assembly)
                .Should().NotDependOnAny(Types().That().ResideInAssembly(typeof(Microsoft.AspNetCore.Mvc.ControllerBase).Assembly))
                .Because("HTTP stays in the host")
                .Check(Architecture);
    }

    [Fact]
    public void Modules_HaveNoProjectReferenceButBuildingBlocks()
    {
        foreach (var module in Modules)
        {
            var referenced = module.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Marketplace.", StringComparison.Ordinal));
            Assert.All(referenced, name => Assert.Equal("Marketplace.BuildingBlocks", name));
        }
    }
}
