using Fluid;
using Fluid.Ast;
using Marketplace.Notifications.Email;

namespace Marketplace.UnitTests;

/// <summary>The template files: every kind renders, values are encoded, and a missing value is an error, not a blank.</summary>
public sealed class EmailTemplateTests
{
    private const string Unsubscribe = "https://m.test/unsubscribe/x";

    /// <summary>The names a kind's two files read, from the parsed templates: lists (looped over), flags (a bare <c>if</c>) and strings.</summary>
    private sealed class TemplateNames : AstVisitor
    {
        private readonly HashSet<string> _loopVariables = ["forloop"];
        public Dictionary<string, Type> Names { get; } = [];

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            _loopVariables.Add(forStatement.Identifier);
            if (forStatement.Source is MemberExpression { Segments: [IdentifierSegment list] }) Names[list.Identifier] = typeof(IReadOnlyList<string>);
            return base.VisitForStatement(forStatement);
        }

        protected override Statement VisitIfStatement(IfStatement ifStatement)
        {
            if (ifStatement.Condition is MemberExpression { Segments: [IdentifierSegment flag] }) Names[flag.Identifier] = typeof(bool);
            return base.VisitIfStatement(ifStatement);
        }

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            if (memberExpression.Segments is [IdentifierSegment first, ..] && !_loopVariables.Contains(first.Identifier))
                Names.TryAdd(first.Identifier, typeof(string));
            return base.VisitMemberExpression(memberExpression);
        }

        public static Dictionary<string, Type> Of(string kind)
        {
            var visitor = new TemplateNames();
            visitor.VisitTemplate(EmailTemplates.Template(kind + ".txt"));
            visitor.VisitTemplate(EmailTemplates.Template(kind + ".html"));
            return visitor.Names;
        }
    }

    /// <summary>A model with every name the kind's two files use: strings that need encoding, two-item lists, flags as given.</summary>
    private static Dictionary<string, object?> SampleModel(string kind, bool flags = true) =>
        TemplateNames.Of(kind).ToDictionary(n => n.Key, object? (n) =>
            n.Value == typeof(bool) ? flags
            : n.Value == typeof(string) ? $"<{n.Key}>&"
            : new[] { "<甲>", "乙" });

    public static TheoryData<string> Kinds() => new(EmailTemplates.Kinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKind_WithACompleteModel_RendersSubjectTextAndEncodedHtml(string kind)
    {
        foreach (var flags in new[] { true, false })
        {
            var model = SampleModel(kind, flags);
            var email = EmailTemplates.Render(kind, model, $"test:{kind}", "a@firm.test", Unsubscribe);
            Assert.False(string.IsNullOrWhiteSpace(email.Subject));
            Assert.DoesNotContain("{{", email.Subject + email.TextBody + email.HtmlBody);
            Assert.DoesNotContain("{%", email.Subject + email.TextBody + email.HtmlBody);
            foreach (var (name, value) in model.Where(v => v.Value is string))
            {
                Assert.Contains((string)value!, email.Subject + "\n" + email.TextBody); // text is not encoded
                Assert.Contains($"&lt;{name}&gt;&amp;", email.HtmlBody);               // HTML is
            }
            if (model.Values.OfType<string[]>().Any())
            {
                Assert.Contains("<甲>", email.TextBody);
                Assert.Contains("&lt;甲&gt;", email.HtmlBody);
            }
            Assert.DoesNotContain("<甲>", email.HtmlBody);
            Assert.StartsWith("<!doctype html>", email.HtmlBody);
            Assert.Contains(Unsubscribe, email.TextBody);
            Assert.Contains(Unsubscribe, email.HtmlBody);
            Assert.Matches("[\u4e00-\u9fff]", email.TextBody); // Chinese first…
            Assert.Matches("[A-Za-z]{4,}", email.TextBody);    // …with English
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKind_WhenAnyValueIsMissing_Throws(string kind)
    {
        var model = SampleModel(kind);
        foreach (var name in model.Keys)
        {
            var lacking = model.Where(v => v.Key != name).ToDictionary();
            var error = Assert.Throws<InvalidOperationException>(() => EmailTemplates.Render(kind, lacking, "k", "a@b.c"));
            Assert.Contains($"'{name}'", error.Message);
        }
    }

    [Fact]
    public void Kinds_CoverEveryMessageOfTheProcess() =>
        Assert.Superset(new HashSet<string>
        {
            "application-received", "application-withdrawn", "terms-changed", "invitation", "review-assigned", "result-shortlisted",
            "result-not-shortlisted", "result-awarded", "objection-confirm", "objection-filed", "objection-answered", "milestone-due", "milestone-overdue",
            "deadline-reminder", "follow-alert", "digest", "account-verification", "account-reset", "account-invitation",
        }, EmailTemplates.Kinds.ToHashSet());

    [Fact]
    public void AMissingValue_IsAnError() =>
        Assert.Throws<InvalidOperationException>(() => EmailTemplates.Render("application-withdrawn", new Dictionary<string, object?> { ["name"] = "张三" }, "k", "a@b.c"));

    [Fact]
    public void ANullValue_PrintsNothing()
    {
        var model = SampleModel("follow-alert");
        model["summary"] = null;
        Assert.DoesNotContain("<summary>", EmailTemplates.Render("follow-alert", model, "k", "a@b.c").TextBody);
    }

    [Fact]
    public void AValueLookingLikeTemplateText_IsPrintedAsItIs()
    {
        var model = SampleModel("digest");
        model["name"] = "{{ items }}{% if true %}<b>";
        model["items"] = new List<string> { "{{ name }}", "{% endfor %}" };
        var email = EmailTemplates.Render("digest", model, "k", "a@b.c");
        Assert.StartsWith("{{ items }}{% if true %}<b>，您好：", email.TextBody);
        Assert.Contains("  · {{ name }}\n", email.TextBody);
        Assert.Contains("  · {% endfor %}\n", email.TextBody);
        Assert.Contains("<p>{{ items }}{% if true %}&lt;b&gt;，您好：</p>", email.HtmlBody);
        Assert.Contains("<li>{{ name }}</li><li>{% endfor %}</li>", email.HtmlBody);
    }

    [Fact]
    public void Flags_ShowTheirTextWhenTrueAndTheOtherWhenFalse()
    {
        var model = SampleModel("deadline-reminder");
        model["draft"] = true;
        var draft = EmailTemplates.Render("deadline-reminder", model, "k", "a@b.c").TextBody;
        model["draft"] = false;
        var follower = EmailTemplates.Render("deadline-reminder", model, "k", "a@b.c").TextBody;
        Assert.Contains("草稿", draft);
        Assert.DoesNotContain("您关注了这个场景", draft);
        Assert.Contains("您关注了这个场景", follower);
        Assert.DoesNotContain("草稿", follower);
    }

    [Fact]
    public void Lists_RepeatForEachItemAndShowNothingWhenEmpty()
    {
        var model = SampleModel("digest");
        model["items"] = new List<string> { "甲", "乙" };
        Assert.Contains("\n  · 甲\n\n  · 乙\n\n查看全部", EmailTemplates.Render("digest", model, "k", "a@b.c").TextBody);
        model["items"] = new List<string>();
        var empty = EmailTemplates.Render("digest", model, "k", "a@b.c");
        Assert.Contains("新场景：\n\n查看全部", empty.TextBody);
        Assert.Contains("<ul></ul>", empty.HtmlBody);
    }

    [Fact]
    public void EssentialMail_HasNoUnsubscribeLink()
    {
        var email = EmailTemplates.Render("account-reset", SampleModel("account-reset"), "k", "a@b.c");
        Assert.DoesNotContain("Unsubscribe", email.TextBody);
        Assert.DoesNotContain("Unsubscribe", email.HtmlBody);
        Assert.EndsWith("应用场景供需对接平台 / Scenario Marketplace", email.TextBody);
    }
}
