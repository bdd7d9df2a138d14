using Marketplace.Enterprises.Profiles;
using Marketplace.Flows.Eligibility;
using Marketplace.Flows.Indexing;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Marketplace.Scenarios.Listings;

namespace Marketplace.UnitTests;

/// <summary>
/// Eligibility has one definition (the scenario module's <see cref="EligibilityTerms"/>); matching receives its values
/// as data. Over thousands of generated scenarios and firms — around the deadline's Beijing date, the recent-winner
/// cut-off, the capital threshold and the region prefixes — the scenario check, matching's <c>Admits</c> and the
/// Lucene index filter must say the same thing.
/// </summary>
public sealed class EligibilityAgreementTests
{
    private static readonly string[] Qualifications = ["高新技术企业", "专精特新", "ISO27001"];
    private static readonly string[] Regions = ["通州区·宋庄镇", "通州区·潞城镇", "北三县·三河市", "北三县·香河县", "雄安新区", "朝阳区"];
    private static readonly string[][] RegionRules = [[], ["通州区"], ["通州区·宋庄镇"], ["北三县"], ["通州区", "雄安新区"]];

    private static (Scenario Scenario, EnterpriseProfile Firm, DateTimeOffset? LastAward) Generate(Random r)
    {
        // Deadlines near Beijing midnight, where a UTC date and the Beijing date differ.
        var closesAt = new DateTimeOffset(2027, 3, 10, 15, 0, 0, TimeSpan.Zero).AddMinutes(r.Next(-120, 120)).AddDays(r.Next(0, 3));
        var partners = r.Next(4) == 0;
        var scenario = ScenarioRulesTests.Sample(closesAt: closesAt,
            qualifications: Qualifications.Where(_ => r.Next(3) == 0).ToArray(),
            minCapital: r.Next(3) * 500,
            regions: partners ? [] : RegionRules[r.Next(RegionRules.Length)]) with
        {
            Visibility = partners ? ScenarioVisibility.Partners : ScenarioVisibility.Public,
            PartnerRegions = partners ? ["北三县·三河市"] : [],
            ExcludeWinnersWithinYears = r.Next(3),
        };
        var closingDay = Marketplace.BuildingBlocks.Time.BeijingCalendar.DateOf(closesAt);
        var firm = new EnterpriseProfile(Guid.NewGuid(), "测试企业", "91110112MA00000000", "数字经济", Regions[r.Next(Regions.Length)],
            Qualifications.Where(_ => r.Next(2) == 0).ToArray(), r.Next(5) * 250, 50, ["物联网"], "社区物联感知。", [], null,
            SuspendedUntil: r.Next(3) == 0 ? closingDay.AddDays(r.Next(-2, 3)) : null);
        var cutoff = closesAt.AddYears(-Math.Max(1, scenario.ExcludeWinnersWithinYears));
        DateTimeOffset? lastAward = r.Next(3) == 0 ? null : cutoff.AddSeconds(r.Next(-3, 4) * (r.Next(2) == 0 ? 1 : 86_400));
        return (scenario, firm, lastAward);
    }

    [Fact]
    public void ScenarioCheck_AndMatchingAdmits_Agree()
    {
        var r = new Random(20261204);
        var refused = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var (scenario, firm, lastAward) = Generate(r);
            var eligible = scenario.CheckEligibility(ApplicantFactsSource.From(firm, lastAward)).Count == 0;
            var admitted = SearchIndexer.ToDocument(scenario).Rules.Admits(SearchIndexer.ToDocument(firm, [], lastAward));
            Assert.True(eligible == admitted, $"case {i}: scenario says {eligible}, matching says {admitted}");
            if (!eligible) refused++;
        }
        Assert.InRange(refused, 1_000, 4_500); // both outcomes are well represented
    }

    [Fact]
    public async Task ScenarioCheck_AndTheLuceneFilter_Agree()
    {
        using var engine = new LuceneSearchEngine(null, Thesaurus.Load(), TimeProvider.System);
        var r = new Random(4);
        var cases = Enumerable.Range(0, 300).Select(_ => Generate(r)).ToList();
        await engine.UpsertEnterprisesAsync(cases.Select(c => SearchIndexer.ToDocument(c.Firm, [], c.LastAward)).ToList(), default);
        foreach (var (scenario, _, _) in cases.Take(60))
        {
            var document = SearchIndexer.ToDocument(scenario);
            var candidates = await engine.RetrieveEnterprisesAsync(
                new EnterpriseRetrievalQuery("社区物联感知", "社区物联感知", ["物联网"], document.Rules, 1_000), default);
            var expected = cases.Where(c => scenario.CheckEligibility(ApplicantFactsSource.From(c.Firm, c.LastAward)).Count == 0)
                .Select(c => c.Firm.Id).ToHashSet();
            Assert.Equal(expected.Order(), candidates.Select(c => c.Enterprise.Id).Order());
        }
    }
}
