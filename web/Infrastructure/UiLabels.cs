using System.Globalization;
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
}
