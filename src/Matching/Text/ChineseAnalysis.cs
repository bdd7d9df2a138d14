using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Marketplace.Matching.Text;

/// <summary>
/// Chinese text is indexed twice: as SmartCn words (precise, good ranking) and as character bigrams (finds a
/// query term inside a longer segmented word, e.g. 简单 in 安装简单). Field names end in <c>_w</c> or <c>_bg</c>.
/// </summary>
public static class ChineseAnalysis
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    public const string WordSuffix = "_w";
    public const string BigramSuffix = "_bg";

    public static Analyzer CreateIndexAnalyzer() =>
        new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), new Dictionary<string, Analyzer>
        {
            ["title_w"] = Words, ["title_bg"] = Bigrams,
            ["all_w"] = Words, ["all_bg"] = Bigrams,
            ["cases_w"] = Words, ["cases_bg"] = Bigrams,
        });

    public static Analyzer Words { get; } = new SmartChineseAnalyzer(Version);
    public static Analyzer Bigrams { get; } = new CJKAnalyzer(Version);

    /// <summary>The distinct terms an analyzer makes of a text, in order of first appearance.</summary>
    public static IReadOnlyList<string> Terms(Analyzer analyzer, string text)
    {
        var terms = new List<string>();
        var seen = new HashSet<string>();
        using var stream = analyzer.GetTokenStream("x", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var t = term.ToString();
            if (t.Length > 0 && seen.Add(t)) terms.Add(t);
        }
        stream.End();
        return terms;
    }

    /// <summary>Term frequencies of a text, for building weighted queries from long texts.</summary>
    public static Dictionary<string, int> TermCounts(Analyzer analyzer, string text)
    {
        var counts = new Dictionary<string, int>();
        using var stream = analyzer.GetTokenStream("x", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var t = term.ToString();
            if (t.Length == 0) continue;
            counts[t] = counts.GetValueOrDefault(t) + 1;
        }
        stream.End();
        return counts;
    }

    /// <summary>Normalised form of a technology tag, the key of the exact <c>tech</c> field.</summary>
    public static string TechKey(string tag) => tag.Trim().ToLowerInvariant();
}
