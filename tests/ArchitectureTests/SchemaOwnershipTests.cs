using System.Text.RegularExpressions;

namespace Marketplace.ArchitectureTests;

/// <summary>
/// A module owns the schemas its migrations are named after (<c>NNNN_&lt;schema&gt;_…sql</c>). Its tables are named only
/// in its own SQL; another module reads them through a view the owner's migrations create (<c>create view
/// schema.name</c>), and the host names none at all.
/// </summary>
public sealed partial class SchemaOwnershipTests
{
    [GeneratedRegex(@"^\d{4}_(?<schema>[a-z]+)_")]
    private static partial Regex MigrationName();

    [GeneratedRegex(@"create\s+(?:or\s+replace\s+)?view\s+(?<schema>[a-z_]+)\.(?<name>[a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateView();

    /// <summary>schema → the folder (src/Module or web) whose migrations are named after it.</summary>
    internal static IReadOnlyDictionary<string, string> Owners()
    {
        var owners = new Dictionary<string, string>();
        foreach (var file in Solution.Sources("src", "*.sql").Concat(Solution.Sources("web", "*.sql")))
        {
            var match = MigrationName().Match(Path.GetFileName(file));
            if (!match.Success) continue;
            var folder = Folder(file);
            if (owners.TryGetValue(match.Groups["schema"].Value, out var other) && other != folder)
                Assert.Fail($"Schema {match.Groups["schema"].Value} has migrations in both {other} and {folder}.");
            owners[match.Groups["schema"].Value] = folder;
        }
        return owners;
    }

    /// <summary>"src/Scenarios" for a file under src/Scenarios, "web" for one under web.</summary>
    private static string Folder(string file)
    {
        var parts = Path.GetRelativePath(Solution.Root, file).Split(Path.DirectorySeparatorChar);
        return parts[0] == "src" ? $"src/{parts[1]}" : parts[0];
    }

    private static HashSet<string> PublishedViews() =>
        Solution.Sources("src", "*.sql")
            .SelectMany(f => CreateView().Matches(File.ReadAllText(f)).Select(m => $"{m.Groups["schema"].Value}.{m.Groups["name"].Value}".ToLowerInvariant()))
            .ToHashSet();

    /// <summary>
    /// Every <c>schema.object</c> of a known schema named in a file. Not counted: event type strings
    /// (<c>scenarios.x.v1</c>, also interpolated), paths and file names (<c>/feeds/scenarios.atom</c>, <c>scenarios.json</c>),
    /// and in migrations foreign keys and comments (<c>references enterprises.enterprises</c>), which are the database's
    /// own guarantee and documentation rather than a read.
    /// </summary>
    private static IEnumerable<(string Schema, string Object, int Line)> Names(string file, IReadOnlyCollection<string> schemas)
    {
        var pattern = new Regex(@"(?<![\w./])(?<schema>" + string.Join('|', schemas) + @")\.(?<name>(?!(json|csv|xlsx|atom|ics|rss)\b)[a-z_][a-z0-9_]*)\b(?!\.v\d)(?![({])");
        var foreignKey = new Regex(@"(references|comment\s+on\s+(column|table))\s+$", RegexOptions.IgnoreCase);
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
            foreach (Match m in pattern.Matches(lines[i]))
                if (!(file.EndsWith(".sql", StringComparison.Ordinal) && foreignKey.IsMatch(lines[i][..m.Index])))
                    yield return (m.Groups["schema"].Value, m.Groups["name"].Value, i + 1);
    }

    [Fact]
    public void EverySchema_HasOneOwningModule_AndTheHostOwnsNone()
    {
        var owners = Owners();
        Assert.Contains("scenarios", owners.Keys);
        Assert.Contains("enterprises", owners.Keys);
        Assert.DoesNotContain("web", owners.Values);
    }

    [Fact]
    public void Tables_AreNamedOnlyInTheirOwnersSql_OthersReadPublishedViews()
    {
        var owners = Owners();
        var views = PublishedViews();
        var violations = new List<string>();
        var folders = Solution.ModuleNames().Select(n => $"src/{n}").Append("src/Flows").Append("src/BuildingBlocks").Append("web");
        foreach (var folder in folders)
            foreach (var file in Solution.Sources(folder, "*.cs", "*.sql", "*.cshtml"))
                foreach (var (schema, name, line) in Names(file, owners.Keys.ToList()))
                {
                    if (owners[schema] == folder || views.Contains($"{schema}.{name}")) continue;
                    violations.Add($"{Path.GetRelativePath(Solution.Root, file)}:{line} names {schema}.{name} (owned by {owners[schema]})");
                }
        Assert.True(violations.Count == 0, "Tables named outside their owner:\n" + string.Join('\n', violations.Distinct()));
    }

    [Fact]
    public void TheHost_NamesNoTableOrView()
    {
        var owners = Owners();
        var named = Solution.Sources("web", "*.cs", "*.cshtml")
            .SelectMany(f => Names(f, owners.Keys.ToList()).Select(n => $"{Path.GetRelativePath(Solution.Root, f)}:{n.Line} {n.Schema}.{n.Object}"))
            .ToList();
        Assert.True(named.Count == 0, "SQL objects named in web/:\n" + string.Join('\n', named));
    }
}
