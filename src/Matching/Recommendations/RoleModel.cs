using System.Reflection;
using Marketplace.Matching.Documents;

namespace Marketplace.Matching.Recommendations;

/// <summary>A role a firm may play other than building or selling the thing a scenario wants.</summary>
/// <param name="FirmCues">Phrases by which a firm's own description says it plays the role (检测机构, 代理商…).</param>
/// <param name="DemandCues">Phrases by which a scenario's title or summary asks for the role itself (培训, 规划…).</param>
public sealed record FirmRole(string Name, string Label, IReadOnlyList<string> FirmCues, IReadOnlyList<string> DemandCues);

/// <summary>
/// What a firm does, read from a lexicon of general procurement language kept as data (<c>Text/roles.txt</c>): in a
/// same-domain pool most firms share a scenario's words, and what separates those that fit is often their role — a
/// firm that tests, certifies, trains, simulates, consults, resells, supplies manual service or itself operates such
/// systems shares the vocabulary but is not the one to build it. The lexicon names roles, not firms: it carries over to
/// scenarios and firms never seen.
/// </summary>
public sealed class RoleModel(IReadOnlyList<FirmRole> roles)
{
    public static RoleModel Default { get; } = Load();

    public IReadOnlyList<FirmRole> Roles => roles;

    public static RoleModel Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Marketplace.Matching.roles.txt")!;
        using var reader = new StreamReader(stream);
        return new RoleModel(Parse(reader.ReadToEnd().Split('\n')));
    }

    internal static IReadOnlyList<FirmRole> Parse(IEnumerable<string> lines)
    {
        static string[] List(string s) => s.Split([',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Where(p => p.Length == 4 && p[0].Length > 0)
            .Select(p => new FirmRole(p[0], p[1], List(p[2]), List(p[3])))
            .ToList();
    }

    /// <summary>The roles a scenario asks for itself (its title and summary name them): firms playing them are not penalised.</summary>
    public IReadOnlySet<string> WantedBy(ScenarioDocument s)
    {
        var asked = s.Title + "\n" + s.Summary;
        return roles.Where(r => r.DemandCues.Any(c => asked.Contains(c, StringComparison.Ordinal))).Select(r => r.Name).ToHashSet();
    }

    /// <summary>The roles a firm's own description names that the scenario did not ask for.</summary>
    public IReadOnlyList<FirmRole> Mismatches(IReadOnlySet<string> wanted, EnterpriseDocument e)
    {
        var identity = FirstClause(e.Description);
        return roles.Where(r => !wanted.Contains(r.Name)
                                && r.FirmCues.Any(c => (r.Name == AnywhereRole ? e.Description : identity).Contains(c, StringComparison.Ordinal)))
            .ToList();
    }

    /// <summary>How a firm delivers (its core bought in, sold on behalf of others) is told after what it is.</summary>
    private const string AnywhereRole = "reselling";

    /// <summary>
    /// A profile says what the firm is in its first clause (能源咨询机构，为…); the customers it names and the services it
    /// adds afterwards (…提供部署、运维和培训服务) are not its role.
    /// </summary>
    internal static string FirstClause(string text)
    {
        var end = text.IndexOfAny(['，', ',', '。', '；', '！', '：', '\n']);
        return end < 0 ? text : text[..end];
    }
}
