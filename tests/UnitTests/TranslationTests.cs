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
