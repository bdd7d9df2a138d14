using System.Reflection;
using System.Text.RegularExpressions;

namespace Marketplace.BuildingBlocks.Migrations;

/// <summary>A migration script found as an embedded <c>NNNN_module_verb_object.sql</c> resource.</summary>
public sealed record MigrationScript(string Name, int Number, string Sql);

public static partial class MigrationScripts
{
    [GeneratedRegex(@"^(?<n>\d{4})_[a-z]+(_[a-z0-9]+)+\.sql$")]
    public static partial Regex NamePattern();

    /// <summary>
    /// Reads every embedded <c>.sql</c> resource under a <c>Migrations</c> folder of the given assemblies and names
    /// it by its file name alone, so the global order is the number order whichever module a script lives in.
    /// </summary>
    public static IReadOnlyList<MigrationScript> From(params Assembly[] assemblies)
    {
        var scripts = new List<MigrationScript>();
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var resource in assembly.GetManifestResourceNames())
            {
                var marker = resource.IndexOf(".Migrations.", StringComparison.Ordinal);
                if (marker < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
                var name = resource[(marker + ".Migrations.".Length)..];
                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                var match = NamePattern().Match(name);
                var number = match.Success ? int.Parse(match.Groups["n"].Value) : -1;
                scripts.Add(new MigrationScript(name, number, reader.ReadToEnd()));
            }
        }
        return scripts.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }
}
