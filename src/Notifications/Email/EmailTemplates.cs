using System.Collections;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Marketplace.BuildingBlocks.Time;

namespace Marketplace.Notifications.Email;

/// <summary>
/// Email templates kept as files (<c>src/Notifications/Templates/{kind}.txt</c> and <c>{kind}.html</c>, embedded in the
/// assembly): the text file starts with a <c>Subject:</c> line; the HTML file is a fragment placed in
/// <c>_layout.html</c>. Placeholders: <c>{{name}}</c> (HTML-encoded in HTML), sections <c>{{#name}}…{{/name}}</c>
/// repeated for each item of a list (the item is <c>{{.}}</c>) or shown once for true / non-empty values, and
/// inverted sections <c>{{^name}}…{{/name}}</c>. A placeholder the model lacks is an error, caught by tests.
/// </summary>
public static partial class EmailTemplates
{
    private static readonly Assembly Assembly = typeof(EmailTemplates).Assembly;
    private static readonly Dictionary<string, string> Cache = new();

    public static readonly IReadOnlyList<string> Kinds = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".txt", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^4]).Order().ToList();

    private const string Prefix = "Marketplace.Notifications.Templates.";

    internal static string Source(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var cached)) return cached;
            using var stream = Assembly.GetManifestResourceStream(Prefix + name) ?? throw new InvalidOperationException($"No email template '{name}'.");
            using var reader = new StreamReader(stream);
            return Cache[name] = reader.ReadToEnd().Replace("\r\n", "\n");
        }
    }

    /// <summary>An instant as emails show it: Beijing wall-clock time to the minute (the text says "Beijing time").</summary>
    public static string Time(DateTimeOffset instant) => BeijingCalendar.LocalTime(instant).ToString("yyyy-MM-dd HH:mm");

    /// <param name="unsubscribeUrl">Non-essential mail: the footer links it and the message carries List-Unsubscribe.</param>
    public static EmailMessage Render(string kind, IReadOnlyDictionary<string, object?> model, string dedupeKey, string to, string? unsubscribeUrl = null)
    {
        var text = Fill(Source(kind + ".txt"), model, html: false);
        var newline = text.IndexOf('\n');
        if (!text.StartsWith("Subject: ", StringComparison.Ordinal) || newline < 0) throw new InvalidOperationException($"{kind}.txt must start with a Subject: line.");
        var subject = text[9..newline].Trim();
        var body = text[(newline + 1)..].Trim('\n');
        var footer = unsubscribeUrl is null ? "" : $"\n\n退订此类邮件 / Unsubscribe: {unsubscribeUrl}";
        var fragment = Fill(Source(kind + ".html"), model, html: true);
        var layout = Fill(Source("_layout.html"), new Dictionary<string, object?> { ["subject"] = subject, ["unsubscribe"] = unsubscribeUrl ?? "" }, html: true);
        return new EmailMessage(dedupeKey, to, subject, body + "\n\n应用场景供需对接平台 / Scenario Marketplace" + footer,
            layout.Replace("<!--body-->", fragment), unsubscribeUrl);
    }

    [GeneratedRegex(@"\{\{([#^])([\w.]+)\}\}(.*?)\{\{/\2\}\}", RegexOptions.Singleline)]
    private static partial Regex Section();

    [GeneratedRegex(@"\{\{([\w.]+)\}\}")]
    private static partial Regex Placeholder();

    internal static string Fill(string template, IReadOnlyDictionary<string, object?> model, bool html, string? item = null)
    {
        string Value(string name)
        {
            if (name == ".") return item ?? throw new InvalidOperationException("{{.}} outside a list section.");
            if (!model.TryGetValue(name, out var v)) throw new InvalidOperationException($"The template needs '{name}'.");
            return v?.ToString() ?? "";
        }
        string Plain(string segment) =>
            Placeholder().Replace(segment, m => html ? WebUtility.HtmlEncode(Value(m.Groups[1].Value)) : Value(m.Groups[1].Value));
        // One pass: text between sections and each section are filled separately, so a value that happens to contain
        // "{{…}}" is never read as a placeholder.
        var result = new System.Text.StringBuilder();
        var position = 0;
        foreach (Match m in Section().Matches(template))
        {
            result.Append(Plain(template[position..m.Index]));
            if (!model.TryGetValue(m.Groups[2].Value, out var v)) throw new InvalidOperationException($"The template needs '{m.Groups[2].Value}'.");
            List<string> items = v switch
            {
                string s => s.Length > 0 ? [s] : [],
                bool b => b ? [""] : [],
                IEnumerable list => list.Cast<object?>().Select(x => x?.ToString() ?? "").ToList(),
                null => [],
                _ => [v.ToString() ?? ""],
            };
            if (m.Groups[1].Value == "^") result.Append(items.Count == 0 ? Fill(m.Groups[3].Value, model, html, item) : "");
            else foreach (var i in items) result.Append(Fill(m.Groups[3].Value, model, html, i));
            position = m.Index + m.Length;
        }
        result.Append(Plain(template[position..]));
        return result.ToString();
    }
}
