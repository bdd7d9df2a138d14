using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The one place pages turn stored codes into words in the reader's language: <see cref="Labels"/> names them in
/// Chinese (as reports and exports do), and the shared resource gives the English. Views use it as <c>L</c>
/// (see _ViewImports), so a status or category is never shown in Chinese on an English page.
/// </summary>
public sealed class UiLabels(IStringLocalizer<SharedResource> t)
{
    private static bool English => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public string Status(string status) => t[Labels.Status(status)];
    public string Category(string category) => t[Labels.Category(category)];
    public string Verdict(string? verdict) => verdict is null ? "" : t[Labels.Verdict(verdict)];
    public string AwardStatus(string status) => t[Labels.AwardStatus(status)];
    public string ApplicationStatus(string status) => t[Labels.ApplicationStatus(status)];
    public string Mode(string mode) => t[Labels.Mode(mode)];
    public string Size(int bytes) => Labels.Size(bytes);
    public string Time(DateTimeOffset time) => Labels.Time(time);

    /// <summary>A time PostgreSQL returned as a UTC <see cref="DateTime"/>, shown in Beijing time like every other.</summary>
    public string Time(DateTime utc) => Labels.Time(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    public string ReportKind(string kind) => t[kind switch { "monthly" => "月度监测报告", "quarterly" => "季度调度报告", "annual" => "年度考核报告", _ => kind }];

    public string Visibility(string visibility, IReadOnlyList<string> partners) =>
        visibility == "partners" ? t["仅通州区及协同区域："] + Join(partners) : t["向社会公开"];

    public string Money(decimal wan) => wan == 0 ? t["面议"] : English ? $"{wan:0.##} × 10k CNY" : $"{wan:0.##} 万元";

    /// <summary>A list's separator: 、 between Chinese items, a comma in English.</summary>
    public string Join(IEnumerable<string> items) => string.Join(English ? ", " : "、", items);

    /// <summary>A list of the product's own terms (qualifications, industries), each in the reader's language.</summary>
    public string Terms(IEnumerable<string> terms) => Join(terms.Select(term => t[term].Value));

    /// <summary>Between clauses: full-width "；" in Chinese, "; " in English.</summary>
    public string Semicolon => English ? "; " : "；";

    /// <summary>The end of a sentence followed by another: "。" in Chinese, ". " in English.</summary>
    public string FullStop => English ? ". " : "。";

    /// <summary>The colon after a label: full-width in Chinese, ": " in English (no Chinese punctuation on English pages).</summary>
    public string Colon => English ? ": " : "：";

    /// <summary>One side of a text the product keeps in both languages as "中文（说明）/ English".</summary>
    public string Pick(string bilingual) => bilingual.Split('/', 2) is [var zh, var en] ? (English ? en : zh).Trim() : bilingual;

    /// <summary>A remark in brackets after something: full-width （…） in Chinese, " (…)" in English.</summary>
    public string Paren(string inner) => English ? $" ({inner})" : $"（{inner}）";

    /// <summary>A localised text with its arguments (the resource key is the Chinese format string).</summary>
    public string Format(string zh, params object[] args) => t[zh, args];

    /// <summary>A label with its colon, e.g. "关键技术：" / "Technologies: ".</summary>
    public string Label(string zh) => t[zh] + Colon;

    /// <summary>
    /// A message the modules or a controller wrote in Chinese with its values in it (a rule's error, a flash, a stored
    /// match reason), in the reader's language: its own entry when it has one, else the entry of the format it was made
    /// from ("评审权重合计应为 100（当前为 {0}）" for "…（当前为 110）"), the values kept and each looked up in turn (a
    /// reason inside a message, the items of a "、" list). Messages joined by "；" are read one by one. A message no
    /// entry explains stays as written.
    /// </summary>
    public string Message(string zh) => English ? Localize(zh, argument: false) : zh;

    /// <summary>A reason the matcher gives, from its template, each value read like a message's (a qualification, a list).</summary>
    public string Reason(string template, IEnumerable<string> args) =>
        t[template, args.Select(a => English ? Localize(a, argument: true) : a).ToArray<object>()];

    private string Localize(string zh, bool argument)
    {
        if (string.IsNullOrEmpty(zh)) return zh;
        var own = t[zh];
        if (!own.ResourceNotFound) return own.Value;
        foreach (var format in _formats.Value)
        {
            var match = format.Pattern.Match(zh);
            if (!match.Success) continue;
            var args = new object[format.Arguments];
            for (var i = 0; i < args.Length; i++) args[i] = Localize(match.Groups["a" + i].Value, argument: true);
            return t[format.Key, args];
        }
        if (zh.Contains('；')) return string.Join("; ", zh.Split('；').Select(part => Localize(part, argument)));
        // Inside a message, "、" separates the items of a list (technologies, qualifications, regions).
        return argument && zh.Contains('、') ? string.Join(", ", zh.Split('、').Select(item => Localize(item, argument: true))) : zh;
    }

    private sealed record MessageFormat(string Key, Regex Pattern, int Arguments, int Literal);

    private static readonly Regex Placeholder = new(@"\{(\d+)(?::[^}]*)?\}");

    /// <summary>
    /// Every resource key with arguments, as a pattern that matches its instances; the most specific first. Read on the
    /// first English message (only English pages look formats up), so the English resource's keys.
    /// </summary>
    private readonly Lazy<IReadOnlyList<MessageFormat>> _formats = new(() => t.GetAllStrings(includeParentCultures: false)
        .Select(s => s.Name).Where(k => Placeholder.IsMatch(k)).Select(ToFormat).OfType<MessageFormat>()
        .OrderByDescending(f => f.Literal).ToList());

    private static MessageFormat? ToFormat(string key)
    {
        var pattern = new System.Text.StringBuilder("^");
        var seen = new HashSet<int>();
        var at = 0;
        var literal = 0;
        foreach (Match m in Placeholder.Matches(key))
        {
            pattern.Append(Regex.Escape(key[at..m.Index]));
            literal += m.Index - at;
            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            pattern.Append(seen.Add(n) ? $"(?<a{n}>.+?)" : $@"\k<a{n}>");
            at = m.Index + m.Length;
        }
        pattern.Append(Regex.Escape(key[at..])).Append('$');
        literal += key.Length - at;
        // A format that is nothing but arguments would match any text.
        if (literal == 0 || seen.Count == 0 || seen.Max() != seen.Count - 1) return null;
        return new MessageFormat(key, new Regex(pattern.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant), seen.Count, literal);
    }
}
