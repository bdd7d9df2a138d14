namespace Marketplace.Enterprises.Profiles;

public sealed record EnterpriseCase(string Title, string? Client = null, int? Year = null, string? Outcome = null);

/// <summary>A firm as the directory keeps it: identity, standing, and what it can do (能力清单).</summary>
public sealed record EnterpriseProfile(
    Guid Id,
    string Name,
    string CreditCode,
    string Industry,
    string Region,
    IReadOnlyList<string> Qualifications,
    decimal RegisteredCapitalWan,
    int Employees,
    IReadOnlyList<string> Technologies,
    string Description,
    IReadOnlyList<EnterpriseCase> Cases,
    string? ContactEmail);
