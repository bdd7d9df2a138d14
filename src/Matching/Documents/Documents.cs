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
    IReadOnlyList<string> AllowedRegions);

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
    bool PublicCard = true);
