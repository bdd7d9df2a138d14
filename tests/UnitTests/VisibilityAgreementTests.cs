using Marketplace.Flows.Indexing;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Marketplace.Scenarios.Listings;

namespace Marketplace.UnitTests;

/// <summary>
/// Visibility has one definition (<see cref="Scenario.IsVisibleTo"/>: public, or the home district plus named partner
/// regions); the index receives the scenario's audience as data. For every kind of viewer, what the search index lets a
/// viewer find must be exactly what the detail page lets that viewer see.
/// </summary>
public sealed class VisibilityAgreementTests
{
    private static readonly string?[] Viewers =
        [null, "通州区", "通州区·宋庄镇", "北三县·三河市", "北三县·香河县", "北三县·大厂回族自治县", "雄安新区", "雄安新区·容城县", "朝阳区", "北三县"];

    [Fact]
    public async Task TheIndexAudienceFilter_AgreesWithTheScenariosOwnRule_ForEveryViewer()
    {
        using var engine = new LuceneSearchEngine(null, Thesaurus.Load(), TimeProvider.System);
        var r = new Random(15);
        var scenarios = new List<Scenario>();
        for (var i = 0; i < 60; i++)
        {
            var partners = ScenarioVisibility.PartnerRegions.Where(_ => r.Next(3) == 0).ToArray();
            var shared = r.Next(2) == 0 && partners.Length > 0;
            scenarios.Add(ScenarioRulesTests.Sample() with
            {
                Id = Guid.NewGuid(),
                Visibility = shared ? ScenarioVisibility.Partners : ScenarioVisibility.Public,
                PartnerRegions = shared ? partners : [],
            });
        }
        await engine.UpsertScenariosAsync(scenarios.Select(SearchIndexer.ToDocument).ToList(), default);

        foreach (var viewer in Viewers)
        {
            var found = (await engine.SearchScenariosAsync(new ScenarioSearchQuery(null, PageSize: 100, Audience: ScenarioAudience.ForViewer(viewer)), default))
                .Hits.Select(h => h.Id).Order();
            var visible = scenarios.Where(s => s.IsVisibleTo(viewer, isStaff: false)).Select(s => s.Id).Order();
            Assert.Equal(visible, found);
        }
        Assert.Equal(60, (await engine.SearchScenariosAsync(new ScenarioSearchQuery(null, PageSize: 100, Audience: ScenarioAudience.All), default)).Total);
        // A query that names no viewer finds public scenarios only.
        Assert.Equal(scenarios.Where(s => s.Visibility == ScenarioVisibility.Public).Select(s => s.Id).Order(),
            (await engine.SearchScenariosAsync(new ScenarioSearchQuery(null, PageSize: 100), default)).Hits.Select(h => h.Id).Order());
    }
}
