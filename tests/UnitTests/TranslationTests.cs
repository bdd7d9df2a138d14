using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Marketplace.UnitTests;

/// <summary>Chinese first, English available: every text the pages and forms show has an English entry.</summary>
public sealed class TranslationTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    [Fact]
    public void EveryPageTextAndFieldName_HasAnEnglishTranslation()
    {
        var web = Path.Combine(Root(), "web");
        var keys = new HashSet<string>();
        foreach (var view in Directory.EnumerateFiles(Path.Combine(web, "Views"), "*.cshtml", SearchOption.AllDirectories))
            foreach (Match m in Regex.Matches(File.ReadAllText(view), "(?:T\\[|L\\.(?:Format|Label)\\()\"([^\"]+)\""))
                keys.Add(m.Groups[1].Value);
        foreach (var code in Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
            foreach (Match m in Regex.Matches(File.ReadAllText(code), "Display\\(Name = \"([^\"]+)\""))
                keys.Add(m.Groups[1].Value);
        var english = XDocument.Load(Path.Combine(web, "Resources", "SharedResource.en.resx")).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        Assert.True(keys.Count > 100, "the scan found the texts");
        Assert.Empty(keys.Where(k => !english.Contains(k)).Order());
    }
}

public sealed class ReasonTranslationTests
{
    [Fact]
    public void EveryReasonTheMatcherGives_HasAnEnglishTranslationWithTheSamePlaceholders()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        var english = XDocument.Load(Path.Combine(dir!.FullName, "web", "Resources", "SharedResource.en.resx")).Root!
            .Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);
        var templates = Marketplace.Matching.Recommendations.ReasonTemplates.All;
        Assert.True(templates.Count >= 12);
        foreach (var template in templates)
        {
            Assert.True(english.TryGetValue(template, out var translation), $"no English for {template}");
            static string[] Holes(string s) => Regex.Matches(s, "\\{\\d\\}").Select(m => m.Value).Order().ToArray();
            Assert.Equal(Holes(template), Holes(translation));
        }
    }
}

/// <summary>Every stored code a page names (status, category, mode, verdict…) has English: pages show them through UiLabels.</summary>
public sealed class CodeLabelTranslationTests
{
    [Fact]
    public void EveryLabelOfACode_HasAnEnglishTranslation()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        var english = XDocument.Load(Path.Combine(dir!.FullName, "web", "Resources", "SharedResource.en.resx")).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        string[] scenarioStatuses = ["draft", "submitted", "published", "closed", "reviewing", "publicity", "awarded", "in_delivery", "landed", "rejected", "withdrawn", "cancelled", "terminated"];
        string[] applicationStatuses = ["draft", "awaiting_consortium", "submitted", "withdrawn", "eligible", "ineligible", "shortlisted", "awarded", "not_awarded"];
        var labels = scenarioStatuses.Select(Marketplace.Web.Infrastructure.Labels.Status)
            .Concat(applicationStatuses.Select(Marketplace.Web.Infrastructure.Labels.ApplicationStatus))
            .Concat(Marketplace.Scenarios.Listings.ScenarioCategory.All.Select(Marketplace.Web.Infrastructure.Labels.Category))
            .Concat(new[] { "single", "horse_race" }.Select(Marketplace.Web.Infrastructure.Labels.Mode))
            .Concat(new[] { "continue", "scale_up", "stop", "merge", "accepted" }.Select(v => Marketplace.Web.Infrastructure.Labels.Verdict(v)))
            .Concat(new[] { "active", "stopped", "merged", "accepted" }.Select(Marketplace.Web.Infrastructure.Labels.AwardStatus))
            .Concat(Marketplace.Enterprises.Profiles.DirectoryLists.Industries)
            .Concat(Marketplace.Enterprises.Profiles.DirectoryLists.Qualifications)
            .Concat(Marketplace.Enterprises.Profiles.DirectoryLists.RegionGroups)
            .ToList();
        Assert.Empty(labels.Where(l => !english.Contains(l)).Distinct().Order());
    }
}

/// <summary>
/// Every message a rule or a page gives a person has English too: the use cases' errors (Error.Invalid…, Check, Fail),
/// a form's model errors, a controller's flash (TempData, Flash, Done), an invitation held back. A message with values
/// is read on the page by its format (UiLabels.Message), so the resource holds the format with {0}, {1}… where the
/// values go.
/// </summary>
public sealed class MessageTranslationTests
{
    private static readonly Regex[] MessageAfter =
    [
        new(@"Error\.(?:Invalid|Conflict|Forbidden|NotFound)\(\s*""[a-z_]+""\s*,\s*(?=\$?"")"),
        new(@"\b(?:Check|Fail)\((?:[^;]*?)""[a-z_]+""\s*,\s*(?:nameof\([^)]*\)|""[A-Za-z]*""|[\w.]+)\s*,\s*(?=\$?"")"),
        new(@"AddModelError\([^,;]+,\s*(?=\$?"")"),
        new(@"new HeldBackRecipient\([^,;]+,\s*""[a-z_]+""\s*,\s*(?=\$?"")"),
    ];

    private static readonly Regex[] MessagesIn =
    [
        new(@"TempData\[""(?:Flash|Error)""\]\s*="),
        new(@"\.Flash\(\w+,\s*_\s*=>"),
        new(@"\bDone\(id,\s*\w+\.IsSuccess,"),
    ];

    private static readonly Regex Chinese = new(@"[\u4e00-\u9fff]");

    [Fact]
    public void EveryRuleMessageAndFlash_HasAnEnglishTranslation()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        var root = dir!.FullName;
        var english = XDocument.Load(Path.Combine(root, "web", "Resources", "SharedResource.en.resx")).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var messages = new Dictionary<string, string>();
        var sep = Path.DirectorySeparatorChar;
        foreach (var file in new[] { "src", Path.Combine("web", "Features"), Path.Combine("web", "Infrastructure") }
                     .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
                     .Where(f => !f.Contains($"{sep}obj{sep}") && !f.Contains($"{sep}bin{sep}")))
        {
            var code = File.ReadAllText(file);
            var found = MessageAfter.SelectMany(r => r.Matches(code)).Select(m => Literal(code, m.Index + m.Length).Text)
                .Concat(MessagesIn.SelectMany(r => r.Matches(code)).SelectMany(m => Literals(code, m.Index + m.Length, code.IndexOf(';', m.Index + m.Length))));
            foreach (var message in found.Where(t => Chinese.IsMatch(t)))
                messages.TryAdd(message, Path.GetRelativePath(root, file));
        }
        Assert.True(messages.Count > 200, $"the scan found the messages ({messages.Count})");
        Assert.Empty(messages.Where(m => !english.Contains(m.Key)).Select(m => $"{m.Key}  ({m.Value})").Order());
    }

    /// <summary>The string literals between two positions of the code, as formats.</summary>
    private static IEnumerable<string> Literals(string code, int from, int to)
    {
        for (var i = from; i < to;)
        {
            if (code[i] == '"' || (code[i] == '$' && code[i + 1] == '"'))
            {
                var (text, end) = Literal(code, i);
                yield return text;
                i = end;
            }
            else i++;
        }
    }

    /// <summary>
    /// The C# string literal at a position, as the resource writes its format: an interpolated string's holes become
    /// {0}, {1}… in order (what a hole holds, strings included, is skipped).
    /// </summary>
    private static (string Text, int End) Literal(string code, int at)
    {
        var interpolated = code[at] == '$';
        var i = at + (interpolated ? 2 : 1);
        var text = new System.Text.StringBuilder();
        var holes = 0;
        while (true)
        {
            var c = code[i];
            if (c == '\\') { text.Append(code[i + 1] switch { 'n' => '\n', 't' => '\t', var e => e }); i += 2; continue; }
            if (c == '"') return (text.ToString(), i + 1);
            if (interpolated && c == '{' && code[i + 1] == '{') { text.Append('{'); i += 2; continue; }
            if (interpolated && c == '}' && code[i + 1] == '}') { text.Append('}'); i += 2; continue; }
            if (interpolated && c == '{')
            {
                for (var depth = 1; depth > 0;)
                {
                    i++;
                    if (code[i] == '"' || (code[i] == '$' && code[i + 1] == '"')) i = Literal(code, i).End - 1;
                    else if (code[i] == '\'') i = code.IndexOf('\'', i + (code[i + 1] == '\\' ? 3 : 2));
                    else if (code[i] == '{') depth++;
                    else if (code[i] == '}') depth--;
                }
                text.Append('{').Append(holes++).Append('}');
                i++;
                continue;
            }
            text.Append(c);
            i++;
        }
    }
}
