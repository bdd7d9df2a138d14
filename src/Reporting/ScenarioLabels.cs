namespace Marketplace.Reporting;

/// <summary>
/// How scenario codes and instants read in reports, open data and feeds. The host hands in the labels its pages use,
/// so a workbook or a feed says exactly what the site says and this module keeps no second copy of them.
/// </summary>
/// <param name="Categories">Every category code, in display order (a report lists each one, even at zero).</param>
public sealed record ScenarioLabels(
    IReadOnlyList<string> Categories,
    Func<string, string> Category,
    Func<string, string> Status,
    Func<string, string> Mode,
    Func<DateTimeOffset, string> Time);
