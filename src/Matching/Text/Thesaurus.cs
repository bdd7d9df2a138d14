using System.Reflection;

namespace Marketplace.Matching.Text;

/// <summary>Groups of equivalent domain terms (车路协同 ~ 智慧交通 …). Matching is case-insensitive.</summary>
public sealed class Thesaurus
{
    private readonly List<string[]> _groups;
    // Each term's groups, so the per-candidate checks of re-ranking are lookups rather than scans of every group.
    private readonly Dictionary<string, int[]> _groupsOf;

    public Thesaurus(IEnumerable<string[]> groups)
    {
        _groups = groups.Where(g => g.Length > 1).ToList();
        _groupsOf = _groups.SelectMany((g, i) => g.Select(t => (Term: t, Group: i)))
            .GroupBy(x => x.Term, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(x => x.Key, x => x.Select(y => y.Group).Distinct().ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    private int[] GroupsOf(string term) => _groupsOf.TryGetValue(term, out var groups) ? groups : [];

    public IReadOnlyList<string[]> Groups => _groups;

    public static Thesaurus Load(string? extraFile = null)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Marketplace.Matching.thesaurus.txt")!;
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').ToList();
        if (!string.IsNullOrWhiteSpace(extraFile) && File.Exists(extraFile)) lines.AddRange(File.ReadAllLines(extraFile));
        return new Thesaurus(Parse(lines));
    }

    internal static IEnumerable<string[]> Parse(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split([',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Terms equivalent to something that occurs in <paramref name="text"/> but do not occur in it themselves.</summary>
    public IReadOnlyList<string> ExpansionsFor(string text)
    {
        var result = new List<string>();
        foreach (var group in _groups)
        {
            if (!group.Any(t => Contains(text, t))) continue;
            result.AddRange(group.Where(t => !Contains(text, t)));
        }
        return result.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>True when the two terms are equal or in one group.</summary>
    public bool AreEquivalent(string a, string b) =>
        string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
        || GroupsOf(a).Intersect(GroupsOf(b)).Any();

    /// <summary>True when <paramref name="text"/> mentions the term or an equivalent of it.</summary>
    public bool Mentions(string text, string term) =>
        Contains(text, term) || GroupsOf(term).Any(g => _groups[g].Any(t => Contains(text, t)));

    // Latin-script terms must stand alone ("AI" is not in "MAIL", "AR" is not in "ARM"); Chinese has no word spaces.
    internal static bool Contains(string text, string term)
    {
        if (!term.All(char.IsAscii)) return text.Contains(term, StringComparison.OrdinalIgnoreCase);
        var from = 0;
        while ((from = text.IndexOf(term, from, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var before = from == 0 ? ' ' : text[from - 1];
            var afterIndex = from + term.Length;
            var after = afterIndex >= text.Length ? ' ' : text[afterIndex];
            if (!char.IsAsciiLetterOrDigit(before) && !char.IsAsciiLetterOrDigit(after)) return true;
            from++;
        }
        return false;
    }
}
