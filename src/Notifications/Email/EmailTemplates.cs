using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Fluid.Values;
using Marketplace.BuildingBlocks.Time;

namespace Marketplace.Notifications.Email;

/// <summary>
/// Email templates kept as Liquid files (<c>src/Notifications/Templates/{kind}.txt</c> and <c>{kind}.html</c>, embedded
/// in the assembly), rendered by Fluid: the text file starts with a <c>Subject:</c> line; the HTML file is a fragment
/// placed in <c>_layout.html</c> at <c>&lt;!--body--&gt;</c>. Every output of the HTML part is HTML-encoded.
/// Models hold strings, bools and lists of strings (anything else is printed with the invariant culture). In the
/// files: <c>{{ name }}</c>; <c>{% for item in list %}…{% endfor %}</c>; <c>{% if flag %}</c> for a bool; and
/// <c>{% if text != blank %}</c> for a string that counts only when it has text (in Liquid an empty string is true).
/// A name the model lacks is an error, caught by tests, not a blank.
/// </summary>
public static class EmailTemplates
{
    private const string Prefix = "Marketplace.Notifications.Templates.";
    private static readonly Assembly Assembly = typeof(EmailTemplates).Assembly;
    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new();

    // Names match exactly, as they are written in C# (Fluid ignores case by default); a misspelt filter is an error.
    private static readonly TemplateOptions Options = new TemplateOptionsBuilder()
        .WithModelNamesComparer(StringComparer.Ordinal).WithStrictFilters(true).Build();

    // Encodes what HTML needs (< > & ' " +) and leaves Chinese readable: HtmlEncoder.Default would also turn every
    // non-ASCII character into a &#x…; reference.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static readonly IReadOnlyList<string> Kinds = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".txt", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^4]).Order().ToList();

    /// <summary>The parsed template file <paramref name="name"/> (e.g. <c>digest.html</c>), parsed once.</summary>
    internal static IFluidTemplate Template(string name) => Parsed.GetOrAdd(name, static n =>
        Parser.TryParse(Source(n), out var template, out var error)
            ? template
            : throw new InvalidOperationException($"Email template '{n}' is not valid Liquid: {error}"));

    private static string Source(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + name) ?? throw new InvalidOperationException($"No email template '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    /// <summary>An instant as emails show it: Beijing wall-clock time to the minute (the text says "Beijing time").</summary>
    public static string Time(DateTimeOffset instant) => BeijingCalendar.LocalTime(instant).ToString("yyyy-MM-dd HH:mm");

    /// <param name="unsubscribeUrl">Non-essential mail: the footer links it and the message carries List-Unsubscribe.</param>
    public static EmailMessage Render(string kind, IReadOnlyDictionary<string, object?> model, string dedupeKey, string to, string? unsubscribeUrl = null)
    {
        var text = Fill(Template(kind + ".txt"), model, NullEncoder.Default);
        var newline = text.IndexOf('\n');
        if (!text.StartsWith("Subject: ", StringComparison.Ordinal) || newline < 0) throw new InvalidOperationException($"{kind}.txt must start with a Subject: line.");
        var subject = text[9..newline].Trim();
        var body = text[(newline + 1)..].Trim('\n');
        var footer = unsubscribeUrl is null ? "" : $"\n\n退订此类邮件 / Unsubscribe: {unsubscribeUrl}";
        var fragment = Fill(Template(kind + ".html"), model, Html);
        // The layout's own values are encoded, so none of them can contain the marker the fragment replaces.
        var layout = Fill(Template("_layout.html"), new Dictionary<string, object?> { ["subject"] = subject, ["unsubscribe"] = unsubscribeUrl }, Html);
        return new EmailMessage(dedupeKey, to, subject, body + "\n\n应用场景供需对接平台 / Scenario Marketplace" + footer,
            layout.Replace("<!--body-->", fragment), unsubscribeUrl);
    }

    /// <summary>
    /// Renders one file. Values are data, never template text: Liquid does not read an output again, so a value holding
    /// "{{ x }}" or "{% if %}" is printed as it is.
    /// </summary>
    private static string Fill(IFluidTemplate template, IReadOnlyDictionary<string, object?> model, TextEncoder encoder)
    {
        var context = new TemplateContext(Options, StringComparer.Ordinal);
        foreach (var (name, value) in model)
            if (value is not null) context.SetValue(name, ValueOf(value));
        // Liquid prints a name nobody set as nothing; here it is a caller's bug. A null value is a value: it prints
        // nothing and is false.
        context.Undefined = (name, _) => model.ContainsKey(name)
            ? new ValueTask<FluidValue>(NilValue.Instance)
            : throw new InvalidOperationException($"The template needs '{name}'.");
        return template.Render(context, encoder);
    }

    private static FluidValue ValueOf(object value) => value switch
    {
        string s => StringValue.Create(s),
        bool b => BooleanValue.Create(b),
        IEnumerable list => ArrayValue.Create(list.Cast<object?>().Select(item => StringValue.Create(Text(item))).ToList()),
        _ => StringValue.Create(Text(value)),
    };

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
