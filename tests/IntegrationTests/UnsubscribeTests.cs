using Marketplace.Flows.Indexing;
using System.Net;
using System.Net.Http.Json;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

/// <summary>Non-essential mail carries List-Unsubscribe with one-click POST (RFC 8058), which works without a session.</summary>
public sealed class UnsubscribeTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Invitation_CarriesOneClickUnsubscribe_WhichStopsTheNextOne()
    {
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        await app.Get<Marketplace.Flows.Indexing.SearchIndexer>().IndexEnterpriseAsync(firm.Id, default);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var first = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("退订测试场景一：垃圾分类督导"));
        var second = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("退订测试场景二：垃圾分类督导"));

        await officer.PostAsJsonAsync($"/api/v1/scenarios/{first.Id}/invitations", new InviteDto(firm.Id));
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email) && (m.Subject ?? "").Contains("退订测试场景一"));
        var header = mail.Headers["List-Unsubscribe"];
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        var link = new Uri(header!.Trim('<', '>'));

        // A mail client's one-click POST: no cookie, no token, no redirect.
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        var response = await anonymous.PostAsync(link.PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("已退订", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync(link.PathAndQuery + "x", null)).StatusCode);

        var invited = await officer.PostAsJsonAsync($"/api/v1/scenarios/{second.Id}/invitations", new InviteDto(firm.Id));
        Assert.Equal(0, (await invited.ReadAsync<System.Text.Json.JsonElement>()).GetProperty("recipients").GetInt32());

        var memberClient = await app.SignedInClientAsync(member.Email, TestData.Password);
        var prefs = await memberClient.GetStringAsync("/account/preferences");
        Assert.DoesNotContain("value=\"invitation\" checked", prefs);
        Assert.Contains("value=\"follow\" checked", prefs);
        await MarketplaceApp.PostFormAsync(memberClient, "/account/preferences", "/account/preferences", new Dictionary<string, string> { ["on"] = "invitation" });
        Assert.Contains("value=\"invitation\" checked", await memberClient.GetStringAsync("/account/preferences"));
    }
}

public sealed class AutoInvitationTests(AutoInviteMarketplaceApp app) : IClassFixture<AutoInviteMarketplaceApp>
{
    [PostgresFact]
    public async Task Publishing_InvitesTheBestMatchingFirms_OnceWithReasons()
    {
        var fits = await TestData.FirmAsync(app, name: "北京自动邀请物联科技有限公司", description: "老旧小区智能垃圾分类投放设备，满溢检测、视频识别混投行为。");
        var fitsMember = await TestData.MemberAsync(app, fits);
        var unrelated = await TestData.FirmAsync(app, name: "北京无关医疗科技有限公司", technologies: ["医学影像"], description: "医学影像辅助诊断软件。");
        var unrelatedMember = await TestData.MemberAsync(app, unrelated);
        foreach (var f in new[] { fits, unrelated }) await app.Get<Marketplace.Flows.Indexing.SearchIndexer>().IndexEnterpriseAsync(f.Id, default);

        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("自动邀请：老旧小区智能垃圾分类投放改造"));
        await app.DrainOutboxAsync();

        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(fitsMember.Email) && (m.Subject ?? "").Contains("揭榜邀请"));
        Assert.Contains("技术匹配", mail.TextBody);
        Assert.NotNull(mail.Headers["List-Unsubscribe"]);
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.ToString().Contains(unrelatedMember.Email));
        Assert.Equal(0, await app.Get<Marketplace.Flows.Recommending.AutoInvitations>().InviteAsync(scenario.Id, default)); // a retry invites nobody again
    }
}
