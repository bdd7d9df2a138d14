using System.Text.RegularExpressions;

namespace Marketplace.UnitTests;

/// <summary>
/// The pages' Content-Security-Policy allows scripts and styles from the site's own files only (web/Infrastructure/
/// SecurityHeaders.cs): the views must hold no inline script, style element, style attribute or event handler.
/// </summary>
public sealed class ContentSecurityPolicyTests
{
    private static IEnumerable<string> Views()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        return Directory.EnumerateFiles(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), "web", "Views"),
            "*.cshtml", SearchOption.AllDirectories);
    }

    public static TheoryData<string, string> Inline() => new()
    {
        { "inline script", @"<script(?![^>]*\bsrc=)[^>]*>" },
        { "style element", @"<style\b" },
        { "style attribute", @"\sstyle\s*=" },
        { "event handler", @"\son[a-z]+\s*=\s*[""']" },
        { "javascript: URL", @"javascript:" },
    };

    [Theory]
    [MemberData(nameof(Inline))]
    public void Views_HaveNo(string what, string pattern)
    {
        var views = Views().ToList();
        Assert.True(views.Count > 20, "the scan found the views");
        Assert.Empty(views.SelectMany(v => Regex.Matches(File.ReadAllText(v), pattern, RegexOptions.IgnoreCase)
            .Select(m => $"{what} in {Path.GetFileName(v)}: {m.Value}")));
    }
}
