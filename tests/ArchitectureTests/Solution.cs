using System.Reflection;

namespace Marketplace.ArchitectureTests;

/// <summary>Where the sources are, and which assemblies are modules (each <c>src/&lt;Module&gt;</c> but the kernel and the flows).</summary>
internal static class Solution
{
    public static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) return dir.FullName;
        throw new InvalidOperationException("Marketplace.sln not found above " + AppContext.BaseDirectory);
    }

    public static IReadOnlyList<string> ModuleNames() => Directory.GetDirectories(Path.Combine(Root, "src"))
        .Select(Path.GetFileName).OfType<string>()
        .Where(n => n is not ("BuildingBlocks" or "Flows") && File.Exists(Path.Combine(Root, "src", n, n + ".csproj")))
        .Order().ToList();

    public static IReadOnlyList<Assembly> ModuleAssemblies() => ModuleNames().Select(n => Assembly.Load("Marketplace." + n)).ToList();

    /// <summary>Source files of a folder (bin and obj left out).</summary>
    public static IEnumerable<string> Sources(string folder, params string[] patterns) =>
        patterns.SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root, folder), p, SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}"));
}
