using System.Reflection;
using System.Text.RegularExpressions;
using Marketplace.Matching.Documents;

namespace Marketplace.Matching.Recommendations;

/// <summary>A conflict or a match between what a scenario demands of delivery and what a firm says of itself.</summary>
public sealed record FitSignal(double Value, string Reason, IReadOnlyList<string>? Args = null);

/// <summary>One delivery constraint of the lexicon <c>Text/constraints.txt</c>.</summary>
/// <param name="Demand">Where a scenario's summary or description states the constraint; a group named <c>item</c> names what is required.</param>
/// <param name="Meets">Where a firm says it meets it (unused when the demand names an item: then the item itself is looked for).</param>
/// <param name="Opposes">Where a firm says the opposite; with an item, only near a mention of that item.</param>
public sealed record DeliveryConstraint(string Name, Regex Demand, Regex? Meets, Regex? Opposes, string FitReason, string ConflictReason);

/// <summary>
/// Delivery fit beyond shared vocabulary. Government scenarios state how a solution must be delivered: data kept in the
/// government or sector network, no commercial use of what is collected, integration with the systems already running,
/// a licence the product must hold. Firms say how they deliver (public-cloud SaaS billed per year, private deployment,
/// a standalone device, a certificate held or still being applied for). A firm whose way of delivering contradicts the
/// scenario shares its words but cannot take it on as described; one that states the required way fits better than its
/// words alone show. The cues are data (<c>Text/constraints.txt</c>) in general procurement language, so they apply to
/// scenarios and firms never seen. Who a firm is (a tester, a consultant, a reseller…) is the <see cref="RoleModel"/>'s part.
/// </summary>
public static class DeliveryFit
{
    public const double FitValue = 0.5;
    public const double ConflictValue = -1;

    /// <summary>Reasons per constraint name: the lexicon's lines must name one of these.</summary>
    private static readonly Dictionary<string, (string Fit, string Conflict)> ReasonsByName = new(StringComparer.Ordinal)
    {
        ["on-premise"] = (ReasonTemplates.PrivateDeployment, ReasonTemplates.PublicCloud),
        ["no-commercial-use"] = ("", ReasonTemplates.CommercialUse),
        ["integration"] = ("", ReasonTemplates.Standalone),
        ["licence"] = (ReasonTemplates.LicenceHeld, ReasonTemplates.LicencePending),
    };

    public static IReadOnlyList<DeliveryConstraint> Constraints { get; } = Load();

    private static IReadOnlyList<DeliveryConstraint> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Marketplace.Matching.constraints.txt")!;
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd().Split('\n'));
    }

    internal static IReadOnlyList<DeliveryConstraint> Parse(IEnumerable<string> lines)
    {
        static Regex? Pattern(string p) => p is "" or "—" ? null : new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(2));
        var result = new List<DeliveryConstraint>();
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(" | ", StringSplitOptions.TrimEntries);
            if (parts.Length != 4) throw new FormatException($"constraints.txt: expected 4 fields separated by ' | ': {line}");
            if (!ReasonsByName.TryGetValue(parts[0], out var reasons)) throw new FormatException($"constraints.txt: unknown constraint '{parts[0]}'");
            result.Add(new(parts[0], Pattern(parts[1])!, Pattern(parts[2]), Pattern(parts[3]), reasons.Fit, reasons.Conflict));
        }
        return result;
    }

    /// <summary>A constraint a scenario states, with the item it requires when it names one.</summary>
    public sealed record Demand(DeliveryConstraint Constraint, string? Item);

    /// <summary>What a scenario demands of delivery, read once per scenario rather than once per candidate.</summary>
    public sealed record Demands(IReadOnlyList<Demand> Items)
    {
        public static Demands None { get; } = new([]);
    }

    public static Demands DemandsOf(ScenarioDocument s)
    {
        var text = string.Join('\n', s.Summary, s.Description);
        List<Demand>? found = null;
        foreach (var c in Constraints)
        {
            var m = Safe(() => c.Demand.Match(text), Match.Empty);
            if (!m.Success) continue;
            var item = m.Groups["item"] is { Success: true } g ? Core(g.Value) : null;
            (found ??= []).Add(new(c, item));
        }
        return found is null ? Demands.None : new(found);
    }

    private static bool Matches(Regex? pattern, string text) => pattern is not null && Safe(() => pattern.IsMatch(text), false);

    /// <summary>The cues are bounded patterns, but they are data: one that runs away reads as "not stated", never as a failed recommendation.</summary>
    private static T Safe<T>(Func<T> match, T fallback)
    {
        try { return match(); }
        catch (RegexMatchTimeoutException) { return fallback; }
    }

    /// <summary>The name of a required item without its qualifiers (相应的、有效的、第二类…), as a firm would write it.</summary>
    private static string Core(string item)
    {
        var trimmed = item.TrimStart('相', '应', '的', '有', '效', '国', '家');
        return trimmed.Length > 7 ? trimmed[^7..] : trimmed;
    }

    /// <summary>Signals for one firm and scenario: negative for a conflict, positive for a stated fit; empty when neither.</summary>
    public static IReadOnlyList<FitSignal> Assess(ScenarioDocument s, EnterpriseDocument e) => Assess(DemandsOf(s), e);

    /// <param name="offer">The firm's <see cref="EnterpriseDocument.DescriptionAndCases"/>, when the caller has it already.</param>
    public static IReadOnlyList<FitSignal> Assess(Demands d, EnterpriseDocument e, string? offer = null)
    {
        if (d.Items.Count == 0) return [];
        offer ??= e.DescriptionAndCases();
        List<FitSignal>? signals = null;
        void Add(double value, string reason, string? arg) => (signals ??= []).Add(new(value, reason, arg is null ? null : [arg]));
        foreach (var (c, item) in d.Items)
        {
            if (item is not null)
            {
                // A named licence: only a firm naming it says anything, and a pending one is a conflict.
                var at = offer.IndexOf(item, StringComparison.Ordinal);
                if (at < 0) continue;
                var near = offer.Substring(Math.Max(0, at - 12), Math.Min(offer.Length - Math.Max(0, at - 12), item.Length + 24));
                if (Matches(c.Opposes, near)) Add(ConflictValue, c.ConflictReason, item);
                else Add(FitValue, c.FitReason, item);
                continue;
            }
            if (Matches(c.Meets, offer)) Add(FitValue, c.FitReason, null);
            else if (Matches(c.Opposes, offer)) Add(ConflictValue, c.ConflictReason, null);
        }
        return signals ?? (IReadOnlyList<FitSignal>)[];
    }
}
