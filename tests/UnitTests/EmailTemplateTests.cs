using System.Text.RegularExpressions;
using Marketplace.Notifications.Email;

namespace Marketplace.UnitTests;

/// <summary>The template files: every kind renders, values are encoded, and a missing value is an error, not a blank.</summary>
public sealed class EmailTemplateTests
{
    /// <summary>A model with every name the kind's two files use, lists for sections.</summary>
    private static Dictionary<string, object?> SampleModel(string kind)
    {
        var source = EmailTemplates.Source(kind + ".txt") + EmailTemplates.Source(kind + ".html");
        var model = new Dictionary<string, object?>();
        foreach (Match m in Regex.Matches(source, @"\{\{([#^]?)([\w]+)\}\}"))
            model[m.Groups[2].Value] = m.Groups[1].Value.Length > 0 ? new[] { "<甲>", "乙" } : $"<{m.Groups[2].Value}>&";
        return model;
    }

    public static TheoryData<string> Kinds() => new(EmailTemplates.Kinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKind_RendersSubjectTextAndEncodedHtml(string kind)
    {
        var email = EmailTemplates.Render(kind, SampleModel(kind), $"test:{kind}", "a@firm.test", "https://m.test/unsubscribe/x");
        Assert.False(string.IsNullOrWhiteSpace(email.Subject));
        Assert.DoesNotContain("{{", email.Subject + email.TextBody + email.HtmlBody);
        Assert.DoesNotContain("<甲>", email.HtmlBody); // values are HTML-encoded
        Assert.StartsWith("<!doctype html>", email.HtmlBody);
        Assert.Contains("https://m.test/unsubscribe/x", email.TextBody);
        Assert.Contains("https://m.test/unsubscribe/x", email.HtmlBody);
        Assert.Matches("[\u4e00-\u9fff]", email.TextBody); // Chinese first…
        Assert.Matches("[A-Za-z]{4,}", email.TextBody);    // …with English
    }

    [Fact]
    public void Kinds_CoverEveryMessageOfTheProcess() =>
        Assert.Superset(new HashSet<string>
        {
            "application-received", "application-withdrawn", "terms-changed", "invitation", "review-assigned", "result-shortlisted",
            "result-not-shortlisted", "result-awarded", "objection-filed", "objection-answered", "milestone-due", "milestone-overdue",
            "deadline-reminder", "follow-alert", "digest", "account-verification", "account-reset", "account-invitation",
        }, EmailTemplates.Kinds.ToHashSet());

    [Fact]
    public void AMissingValue_IsAnError() =>
        Assert.Throws<InvalidOperationException>(() => EmailTemplates.Render("application-withdrawn", new Dictionary<string, object?> { ["name"] = "张三" }, "k", "a@b.c"));

    [Fact]
    public void AValueLookingLikeAPlaceholder_IsPrintedAsItIs()
    {
        var text = EmailTemplates.Fill("{{#items}}[{{.}}]{{/items}} {{name}}", new Dictionary<string, object?> { ["items"] = new[] { "{{name}}" }, ["name"] = "{{items}}" }, html: false);
        Assert.Equal("[{{name}}] {{items}}", text);
    }

    [Fact]
    public void Sections_ShowForTrueAndInvertedForFalse()
    {
        const string template = "{{#draft}}草稿{{/draft}}{{^draft}}关注{{/draft}}";
        Assert.Equal("草稿", EmailTemplates.Fill(template, new Dictionary<string, object?> { ["draft"] = true }, html: false));
        Assert.Equal("关注", EmailTemplates.Fill(template, new Dictionary<string, object?> { ["draft"] = false }, html: false));
    }
}
