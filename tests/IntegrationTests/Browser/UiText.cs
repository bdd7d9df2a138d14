using System.Globalization;
using System.Xml.Linq;
using Marketplace.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Marketplace.IntegrationTests.Browser;

/// <summary>
/// A journey's reader: the language the site is read in, and what a page shows for one of its Chinese texts. In Chinese
/// the text is itself; in English it is the shared resource's value (web/Resources/SharedResource.en.resx, read from the
/// repository, keys being the Chinese text), with <c>{0}</c> arguments as the views format them. A text the resource
/// does not have fails the test naming the key: a page would show it in Chinese (a missing translation).
/// </summary>
public sealed class UiText
{
    private readonly IReadOnlyDictionary<string, string>? _english;
    private readonly CultureInfo _culture;

    private UiText(string culture, IReadOnlyDictionary<string, string>? english)
    {
        Culture = culture;
        _english = english;
        _culture = new CultureInfo(culture);
    }

    public static UiText Chinese { get; } = new("zh-CN", null);
    public static UiText English => LazyEnglish.Value;
    private static readonly Lazy<UiText> LazyEnglish = new(() => new UiText("en", ReadResource()));

    /// <summary>"zh-CN" or "en", as the culture cookie and the test names spell them.</summary>
    public static UiText For(string culture) => culture switch
    {
        "zh-CN" => Chinese,
        "en" => English,
        _ => throw new ArgumentException($"The site speaks zh-CN and en, not {culture}.", nameof(culture)),
    };

    public string Culture { get; }
    public bool IsEnglish => _english is not null;

    /// <summary>The short tag screenshot names carry: zh or en.</summary>
    public string Tag => IsEnglish ? "en" : "zh";

    /// <summary>What the page shows for a Chinese UI text.</summary>
    public string this[string zh]
    {
        get
        {
            if (_english is null) return zh;
            return _english.TryGetValue(zh, out var en)
                ? en
                : throw new Xunit.Sdk.XunitException($"No English for “{zh}” in web/Resources/SharedResource.en.resx: an English page shows it in Chinese (add the translation).");
        }
    }

    /// <summary>A localised format string with its arguments (the key keeps its <c>{0}</c>).</summary>
    public string this[string zh, params object[] args] => string.Format(_culture, this[zh], args);

    /// <summary>A format's text before its first argument: what every message made from it begins with.</summary>
    public string Lead(string zh)
    {
        var format = this[zh];
        return format[..format.IndexOf('{')].TrimEnd();
    }

    /// <summary>The colon after a label, as <c>L.Colon</c> writes it.</summary>
    public string Colon => IsEnglish ? ": " : "：";

    /// <summary>A remark in brackets, as <c>L.Paren</c> writes it.</summary>
    public string Paren(string inner) => IsEnglish ? $" ({inner})" : $"（{inner}）";

    /// <summary>
    /// On an English page, what the product says (flash, alerts, the error summary, field errors, status lines) has no
    /// Chinese left once the user data named is taken out: a message without English would show in Chinese.
    /// </summary>
    public async Task AssertMessagesAsync(IPage page, params string[] userData)
    {
        if (!IsEnglish) return;
        foreach (var text in await page.Locator(".flash, .error-summary, .error, [role=status], [role=alert]").AllInnerTextsAsync())
        {
            var rest = userData.Where(d => d.Length > 0).OrderByDescending(d => d.Length).Aggregate(text, (t, d) => t.Replace(d, ""));
            Assert.False(ChineseCharacter.IsMatch(rest), $"Chinese in an English message on {page.Url}: “{text}”");
        }
    }

    private static readonly System.Text.RegularExpressions.Regex ChineseCharacter = new(@"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]");

    /// <summary>
    /// A browser context reading the site in this language: the culture cookie the layout's language form sets (the
    /// same one the site crawl uses), on a window of the given size.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(IBrowser browser, string baseUrl, int width = 1366, int height = 900)
    {
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = baseUrl, Locale = IsEnglish ? "en-US" : "zh-CN", ViewportSize = new() { Width = width, Height = height },
        });
        await context.AddCookiesAsync([new Cookie
        {
            Name = ".AspNetCore.Culture", Value = IsEnglish ? "c=en|uic=en" : "c=zh-CN|uic=zh-CN", Url = baseUrl,
        }]);
        return context;
    }

    public override string ToString() => Culture;

    private static Dictionary<string, string> ReadResource()
    {
        var path = Path.Combine(Repository.Root, "web", "Resources", "SharedResource.en.resx");
        return XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);
    }
}
