namespace Marketplace.Matching.Documents;

/// <summary>A scenario as the search index sees it. Built by the host from the scenario module.</summary>
public sealed record ScenarioDocument(
    Guid Id,
    string Code,
    string Title,
    string Summary,
    string Description,
    string Category,
    string Domain,
    string Location,
    IReadOnlyList<string> Technologies,
    string Status,
    DateTimeOffset ClosesAt,
    IReadOnlyList<string> RequiredQualifications,
    decimal MinRegisteredCapitalWan,
    IReadOnlyList<string> AllowedRegions,
    IReadOnlyList<string>? Audience = null,
    DateOnly? SuspensionDay = null,
    DateTimeOffset? WinnersAwardedAfter = null)
{
    /// <summary>The scenario's hard rules, as the scenario module stated them (matching does not derive them).</summary>
    public Search.EligibilityRules Rules => new(RequiredQualifications, MinRegisteredCapitalWan, AllowedRegions, SuspensionDay, WinnersAwardedAfter);

    /// <summary>Who may see the scenario: <see cref="ScenarioAudience.Public"/>, or region prefixes (partner regions).</summary>
    public IReadOnlyList<string> AudienceOrPublic => Audience is { Count: > 0 } ? Audience : [ScenarioAudience.Public];
}

/// <summary>
/// Visibility in the index: a public scenario carries the term "public"; one shared with partner regions carries their
/// region prefixes. A viewer matches with "public" plus every prefix of its own region.
/// </summary>
public static class ScenarioAudience
{
    public const string Public = "public";

    /// <summary>Staff: every scenario, whatever its audience. Only this value lifts the filter.</summary>
    public static readonly IReadOnlyList<string> All = ["*all*"];

    /// <summary>The terms a query filters on: public only when none are given, none at all for <see cref="All"/>.</summary>
    public static IReadOnlyList<string>? Resolve(IReadOnlyList<string>? audience) =>
        ReferenceEquals(audience, All) ? null : audience is { Count: > 0 } ? audience : [Public];

    /// <summary>The audience terms a viewer from <paramref name="region"/> matches ("北三县·三河市" → public, 北三县, 北三县·三河市).</summary>
    public static IReadOnlyList<string> ForViewer(string? region)
    {
        var terms = new List<string> { Public };
        if (string.IsNullOrWhiteSpace(region)) return terms;
        var parts = region.Split('·');
        for (var i = 1; i <= parts.Length; i++) terms.Add(string.Join('·', parts.Take(i)));
        return terms;
    }
}

/// <summary>A firm's capability card as the index sees it, with its track record in the process.</summary>
public sealed record EnterpriseDocument(
    Guid Id,
    string Name,
    string Industry,
    string Region,
    IReadOnlyList<string> Qualifications,
    decimal RegisteredCapitalWan,
    int Employees,
    IReadOnlyList<string> Technologies,
    string Description,
    IReadOnlyList<string> Cases,
    IReadOnlyList<string> ExperienceDomains,
    int OpenApplications,
    bool PublicCard = true,
    DateOnly? SuspendedUntil = null,
    DateTimeOffset? LastAwardedAt = null)
{
    /// <summary>What the firm says of itself and of its past cases, one per line: the text matching reads.</summary>
    public string DescriptionAndCases() => Cases.Count == 0 ? Description : string.Join('\n', Description, string.Join('\n', Cases));

    /// <summary>Suspension as a day number (yyyyMMdd, 0 when none), the form the engines filter on.</summary>
    public int SuspendedUntilDay => SuspendedUntil is { } d ? d.Year * 10000 + d.Month * 100 + d.Day : 0;

    public static DateOnly? FromDay(int day) => day <= 0 ? null : new DateOnly(day / 10000, day / 100 % 100, day % 100);

    /// <summary>An instant as microseconds since 1970 (0 for none): exact for PostgreSQL's timestamps and within a
    /// double's 53 bits, so both engines can filter on it.</summary>
    public static long ToMicros(DateTimeOffset? t) => t is { } x ? (x.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : 0;

    public static DateTimeOffset? FromMicros(long micros) => micros <= 0 ? null : DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    public long LastAwardedMicros => ToMicros(LastAwardedAt);
}
