using Marketplace.Enterprises.Import;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Listings;
using Marketplace.Accounts.Users;

namespace Marketplace.Web.Demo;

/// <summary>Section <c>Demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";
    /// <summary>Load the demo scenarios, firms and accounts when the database has no scenarios yet.</summary>
    public bool Seed { get; set; }
}

public sealed class DemoSeeder(
    ScenarioStore scenarios, ImportScenarios import, EnterpriseImport firmsImport, EnterpriseStore enterprises, UserStore users,
    TimeProvider clock, ILogger<DemoSeeder> logger)
{
    public async Task<bool> SeedIfEmptyAsync(CancellationToken ct)
    {
        if (await scenarios.CountAsync(ct) > 0) return false;
        var now = clock.GetUtcNow();
        var firms = DemoData.Enterprises();
        await firmsImport.ImportProfilesAsync(firms, ct);
        var inserted = await import.HandleAsync(DemoData.Scenarios(now), ct);
        foreach (var a in DemoData.Accounts)
        {
            var firmId = a.FirmCreditCode is null ? (Guid?)null : (await enterprises.FindByCreditCodeAsync(a.FirmCreditCode, ct))!.Id;
            await users.EnsureAsync(a.Email, a.DisplayName, a.Password, a.Role, firmId, a.Department, ct);
        }
        logger.LogInformation("Demo data loaded: {Scenarios} scenarios, {Firms} enterprises, {Accounts} accounts",
            inserted, firms.Count, DemoData.Accounts.Count);
        return true;
    }
}
