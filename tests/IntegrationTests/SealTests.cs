using System.Net;
using System.Net.Http.Json;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Scenarios;

namespace Marketplace.IntegrationTests;

/// <summary>
/// The seal, everywhere: until the deadline no page, API answer, count or log view tells anyone but the applicant that
/// a firm applied — not the admin's audit or outbox pages, not the officer's terms change. After the deadline the
/// audit entries appear.
/// </summary>
public sealed class SealTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task BeforeTheDeadline_NoOperatorViewRevealsAnApplication_AfterItTheAuditShowsIt()
    {
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("封存：申报信息在截止前不外露", app.Clock.GetUtcNow().AddHours(2)));
        var applied = await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("封存期内提交的技术方案：设备、平台与运维，分期实施。", 100));
        var applicationId = (await applied.ReadAsync<CreatedDto>()).Id.ToString();
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(member.Email)); // the receipt went out: the outbox saw it

        var admin = await app.Get<UserStore>().EnsureAsync($"admin-{Guid.NewGuid():N}@gov.test", "管理员", TestData.Password, Roles.Admin, null, "平台", default);
        var adminClient = await app.SignedInClientAsync(admin.Email, TestData.Password);
        var engine = app.Get<Marketplace.Matching.Search.ISearchEngine>();
        Assert.DoesNotContain(scenario.Domain, (await engine.GetEnterpriseAsync(firm.Id, default))!.ExperienceDomains);
        var audit = await adminClient.GetStringAsync("/admin/audit");
        Assert.DoesNotContain(applicationId, audit);
        Assert.DoesNotContain("application.submitted", audit);
        foreach (var status in new[] { "", "?status=done", "?status=pending" })
        {
            var outbox = await adminClient.GetStringAsync("/admin/outbox" + status);
            Assert.DoesNotContain(applicationId, outbox);
            Assert.DoesNotContain(member.Email, outbox);
        }

        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var terms = await officer.PutAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/terms", new TermsDto(null, 250, null, 0, null, "预算上限调整为 250 万元。"));
        Assert.Equal(HttpStatusCode.NoContent, terms.StatusCode);
        Assert.Empty(await terms.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications/reconfirm", null)).StatusCode);

        await TestData.PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();
        Assert.Contains(applicationId, await adminClient.GetStringAsync("/admin/audit"));
        // Once the window has closed, the application counts as the firm's experience in matching.
        Assert.Contains(scenario.Domain, (await engine.GetEnterpriseAsync(firm.Id, default))!.ExperienceDomains);
    }
}
