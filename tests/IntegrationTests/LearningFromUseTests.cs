using System.Net.Http.Json;
using Dapper;
using Marketplace.Enterprises.Profiles;
using Marketplace.Flows.Indexing;
using Marketplace.Flows.Recommending;
using Marketplace.IntegrationTests.Support;
using Marketplace.Matching.Feedback;
using Marketplace.Matching.Recommendations;
using Marketplace.Reporting.Monitoring;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Learning from use: what firms did with earlier invitations, their awards and their "not relevant" dismissals move
/// them in the ranking — boundedly, per firm and per domain, never past the hard rules. Offline eval cannot show this
/// (its labelled sets have no history), so the effect is shown here on the real flows and a real database: the same
/// scenario ranked with the record (the product's flow) and without it (the bare recommender).
/// </summary>
public sealed class LearningFromUseTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private const string Description = "提供社区物联感知、智能垃圾分类投放设备和视频识别服务。";

    private async Task<(EnterpriseProfile Firm, HttpClient Client, Guid MemberId)> FirmAsync(decimal capital = 1000)
    {
        var firm = await TestData.FirmAsync(app, "北京学习物联科技有限公司", capital: capital, description: Description);
        await app.Get<SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var member = await TestData.MemberAsync(app, firm);
        return (firm, await app.SignedInClientAsync(member.Email, TestData.Password), member.Id);
    }

    private static async Task<Guid> ApplyAsync(HttpClient client, Scenario scenario)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("智能投放设备、督导平台和收运联动，分期实施。", 120));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<Marketplace.Web.Features.Scenarios.CreatedDto>()).Id;
    }

    private async Task CloseAsync(Scenario scenario)
    {
        await TestData.PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();
    }

    [PostgresFact]
    public async Task Ranking_UsesTheRecord_Boundedly_WithoutOverridingEligibilityOrHelpingNewcomers()
    {
        var officer = await TestData.OfficerAsync(app);
        var invitedAndApplied = await FirmAsync();
        var appliedUninvited = await FirmAsync();   // the same profile and experience, but no invitation on record
        var newcomer = await FirmAsync();
        var dismisser = await FirmAsync();
        var awarded = await FirmAsync();
        var smallButProven = await FirmAsync(capital: 100); // a great record, but below the next scenario's capital rule
        var invitations = app.Get<Recommendations>();

        // An earlier scenario in the same domain: two firms invited, both apply (as does one uninvited firm); it closes.
        var earlier = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("社区智能垃圾分类前期试点", app.Clock.GetUtcNow().AddHours(1)));
        foreach (var f in new[] { invitedAndApplied, smallButProven })
            Assert.True((await invitations.InviteEligibleAsync(earlier, f.Firm, ["经办人邀请"], officer.Id, default)).IsSuccess);
        foreach (var f in new[] { invitedAndApplied, appliedUninvited, smallButProven })
            await ApplyAsync(f.Client, earlier);
        // Another one the awarded firm applied to and won (the award row stands for the review and publicity flow).
        var won = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("社区垃圾分类督导系统二期", app.Clock.GetUtcNow().AddHours(2)));
        var application = await ApplyAsync(awarded.Client, won);
        await CloseAsync(earlier);
        await CloseAsync(won);
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("""
                insert into scenarios.awards (id, scenario_id, application_id, enterprise_id, awarded_at)
                values (@id, @scenario, @application, @firm, now())
                """, new { id = Guid.CreateVersion7(), scenario = won.Id, application, firm = awarded.Firm.Id });
        await app.Get<FeedbackPriors>().RefreshAsync(default); // what the enterprise_awarded event's handler does

        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("老旧小区智能垃圾分类投放改造", minCapital: 500));
        Assert.True((await invitations.DismissAsync(dismisser.Firm.Id, scenario.Id, dismisser.MemberId, default)).IsSuccess);

        var withRecord = (await invitations.ForScenarioAsync(scenario.Id, 50, default)).Value.Items.ToDictionary(r => r.Enterprise.Id);
        var bare = (await app.Get<Recommender>().ForScenarioAsync(SearchIndexer.ToDocument(scenario), 50, default)).ToDictionary(r => r.Enterprise.Id);
        var weight = 0.1; // Matching:Feedback:Weight's default

        // The dismissed firm is gone for this scenario (and only the dismissal removed it).
        Assert.Contains(dismisser.Firm.Id, bare.Keys);
        Assert.DoesNotContain(dismisser.Firm.Id, withRecord.Keys);
        // A record never admits a firm the rules exclude.
        Assert.DoesNotContain(smallButProven.Firm.Id, bare.Keys);
        Assert.DoesNotContain(smallButProven.Firm.Id, withRecord.Keys);

        // Invited and applied in this domain: rises over the otherwise-identical firm, by at most the weight.
        Assert.Equal(bare[invitedAndApplied.Firm.Id].Score, bare[appliedUninvited.Firm.Id].Score, 6);
        var lifted = withRecord[invitedAndApplied.Firm.Id].Score / bare[invitedAndApplied.Firm.Id].Score;
        Assert.InRange(lifted, 1.001, 1 + weight);
        Assert.True(withRecord[invitedAndApplied.Firm.Id].Score > withRecord[appliedUninvited.Firm.Id].Score);
        Assert.Contains(withRecord[invitedAndApplied.Firm.Id].Reasons, r => r.Kind == "feedback" && r.Text.Contains("本领域 1/1"));
        // An award lifts too.
        Assert.InRange(withRecord[awarded.Firm.Id].Score / bare[awarded.Firm.Id].Score, 1.001, 1 + weight);

        // No record: exactly the score the recommender gives, and no feedback reason.
        foreach (var f in new[] { newcomer, appliedUninvited })
        {
            Assert.Equal(bare[f.Firm.Id].Score, withRecord[f.Firm.Id].Score);
            Assert.DoesNotContain(withRecord[f.Firm.Id].Reasons, r => r.Kind == "feedback");
        }
    }

    [PostgresFact]
    public async Task Dismissals_LowerTheFirmModestly_OnOtherScenariosOfTheDomain()
    {
        var picky = await FirmAsync();
        var first = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("社区垃圾分类宣传督导服务"));
        var second = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("社区垃圾分类积分兑换平台"));
        var flow = app.Get<Recommendations>();
        var before = Assert.Single((await flow.ForScenarioAsync(second.Id, 50, default)).Value.Items, r => r.Enterprise.Id == picky.Firm.Id).Score;

        Assert.True((await flow.DismissAsync(picky.Firm.Id, first.Id, picky.MemberId, default)).IsSuccess);

        var after = Assert.Single((await flow.ForScenarioAsync(second.Id, 50, default)).Value.Items, r => r.Enterprise.Id == picky.Firm.Id).Score;
        Assert.DoesNotContain((await flow.ForScenarioAsync(first.Id, 50, default)).Value.Items, r => r.Enterprise.Id == picky.Firm.Id);
        Assert.InRange(after / before, 0.9, 0.999);
    }
}

/// <summary>The dashboard's invitation → application rate from seeded invitations and applications, counted by hand.</summary>
public sealed class InvitationConversionTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Dashboard_CountsDecidedInvitationsAndTheirApplications_OverallByDomainMonthAndOrigin()
    {
        var officer = await TestData.OfficerAsync(app);
        var firms = new List<(EnterpriseProfile Firm, HttpClient Client)>();
        for (var i = 0; i < 3; i++)
        {
            var firm = await TestData.FirmAsync(app);
            firms.Add((firm, await app.SignedInClientAsync((await TestData.MemberAsync(app, firm)).Email, TestData.Password)));
        }
        var flow = app.Get<Recommendations>();
        async Task Invite(Scenario s, int firm, bool atPublication) =>
            Assert.True((await flow.InviteEligibleAsync(s, firms[firm].Firm, ["理由"], atPublication ? AutoInvitations.System : officer.Id, default)).IsSuccess);
        async Task Apply(Scenario s, int firm)
        {
            var response = await firms[firm].Client.PostAsJsonAsync($"/api/v1/scenarios/{s.Id}/applications", TestData.Proposal("智能投放设备、督导平台和收运联动，分期实施的完整方案。", 100));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var community = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("社区垃圾分类监测", app.Clock.GetUtcNow().AddHours(1)));
        var traffic = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("路口智能信号配时", app.Clock.GetUtcNow().AddHours(1)) with { Domain = "智慧交通" });
        var open = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("社区垃圾分类二期", app.Clock.GetUtcNow().AddDays(30)));
        var month = app.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM");
        await Invite(community, 0, atPublication: false);
        await Invite(community, 1, atPublication: true);
        await Invite(traffic, 0, atPublication: true);
        await Invite(open, 2, atPublication: false);
        await Apply(community, 0);
        await Apply(traffic, 0);
        await Apply(open, 2); // sealed: must count neither as applied nor as decided
        await Apply(community, 2); // applied without an invitation: not in the rate

        var sealedFigures = (await app.Get<MonitoringQueries>().DashboardAsync(default)).Conversion;
        Assert.Equal((4, 0, 0), (sealedFigures.Overall.Invited, sealedFigures.Overall.Decided, sealedFigures.Overall.Applied));
        Assert.Null(sealedFigures.Overall.Rate);

        await TestData.PassAsync(app, community.ClosesAt.AddMinutes(1));
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();

        var figures = await app.Get<MonitoringQueries>().DashboardAsync(default);
        var c = figures.Conversion;
        Assert.Equal(("", 4, 3, 2, 0), (c.Overall.Key, c.Overall.Invited, c.Overall.Decided, c.Overall.Applied, c.Overall.Awarded));
        Assert.Equal(0.6667, c.Overall.Rate);
        Assert.Equal((4, 2, 3), (figures.Invitations, figures.InvitedFirmsThatApplied, figures.InvitationsDecided));

        var byDomain = c.ByDomain.ToDictionary(r => r.Key, r => (r.Invited, r.Decided, r.Applied));
        Assert.Equal((3, 2, 1), byDomain["数字化社区"]);
        Assert.Equal((1, 1, 1), byDomain["智慧交通"]);
        Assert.Equal(0.5, c.ByDomain.Single(r => r.Key == "数字化社区").Rate);

        var byOrigin = c.ByOrigin.ToDictionary(r => r.Key, r => (r.Invited, r.Decided, r.Applied));
        Assert.Equal((2, 2, 1), byOrigin[InvitationConversion.AtPublication]);
        Assert.Equal((2, 1, 1), byOrigin[InvitationConversion.ByHand]);

        Assert.Equal(12, c.ByMonth.Count);
        Assert.Equal(month, c.ByMonth[^1].Key);
        var inMonth = c.ByMonth.Single(r => r.Key == month);
        Assert.Equal((4, 3, 2), (inMonth.Invited, inMonth.Decided, inMonth.Applied));
        Assert.All(c.ByMonth.Where(r => r.Key != month), r => Assert.Equal(0, r.Invited));

        var client = await app.SignedInClientAsync(officer.Email, TestData.Password);
        var zh = await client.GetStringAsync("/officer/monitoring");
        Assert.Contains("受邀揭榜率：已截止场景的邀请中", zh);
        Assert.Contains("66.7%", zh);
        Assert.Contains("发布时自动邀请", zh);
        var en = await client.GetStringAsync("/officer/monitoring?culture=en");
        Assert.Contains("Invitation → application rate: among invitations", en);
        Assert.Contains("Invited at publication", en);
    }
}
