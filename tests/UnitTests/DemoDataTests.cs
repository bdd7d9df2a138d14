using Marketplace.Enterprises.Profiles;
using Marketplace.Web.Demo;

namespace Marketplace.UnitTests;

public sealed class DemoDataTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Scenarios_FollowThePlan_30_15_15()
    {
        var counts = DemoData.Scenarios(Now).GroupBy(s => s.Category).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(30, counts["smart-city"]);
        Assert.Equal(15, counts["cultural-tourism"]);
        Assert.Equal(15, counts["livable-city"]);
    }

    [Fact]
    public void Scenarios_AreDeterministic() =>
        Assert.Equal(DemoData.Scenarios(Now).Select(s => s.Id), DemoData.Scenarios(Now).Select(s => s.Id));

    [Fact]
    public void Enterprises_AreAFewHundredWithValidUniqueCreditCodes()
    {
        var firms = DemoData.Enterprises();
        Assert.InRange(firms.Count, 200, 1000);
        Assert.All(firms, f => Assert.True(CreditCode.IsValid(f.CreditCode), f.CreditCode));
        Assert.Equal(firms.Count, firms.Select(f => f.CreditCode).Distinct().Count());
        Assert.Equal(DemoData.Enterprises().Select(f => f.CreditCode), firms.Select(f => f.CreditCode));
    }

    [Fact]
    public void Accounts_OfFirmsPointAtDemoFirms()
    {
        var codes = DemoData.Enterprises().Select(f => f.CreditCode).ToHashSet();
        Assert.All(DemoData.Accounts.Where(a => a.FirmCreditCode is not null), a => Assert.Contains(a.FirmCreditCode!, codes));
    }
}
