using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Enterprises.Profiles;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

/// <summary>
/// The fuller process: visibility to partner regions, proposals with drafts, declarations and consortia, files sealed
/// like applications, suspension, and officers editing terms on the form.
/// </summary>
public sealed class ProposalDetailsTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

    private async Task<HttpClient> FirmClientAsync(EnterpriseProfile firm) =>
        await app.SignedInClientAsync((await TestData.MemberAsync(app, firm)).Email, TestData.Password);

    [PostgresFact]
    public async Task APartnerOnlyScenario_IsHiddenFromOtherRegions_InPagesSearchAndApi()
    {
        var title = "协同区域专属：跨界河道水质联合监测";
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand(title) with
        {
            Visibility = ScenarioVisibility.Partners, PartnerRegions = ["北三县·三河市"],
        });
        var sanhe = await FirmClientAsync(await TestData.FirmAsync(app, region: "北三县·三河市"));
        var shanghai = await FirmClientAsync(await TestData.FirmAsync(app, region: "外省市·上海市浦东新区"));
        var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await sanhe.GetAsync($"/scenarios/{scenario.Id}")).StatusCode);
        Assert.Contains(title, await sanhe.GetStringAsync("/api/v1/scenarios?q=" + Uri.EscapeDataString("水质联合监测")));
        foreach (var outsider in new[] { shanghai, anonymous })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/scenarios/{scenario.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/scenarios/{scenario.Id}")).StatusCode);
            Assert.DoesNotContain(title, await outsider.GetStringAsync("/api/v1/scenarios?q=" + Uri.EscapeDataString("水质联合监测")));
            Assert.DoesNotContain(title, await outsider.GetStringAsync("/scenarios?q=" + Uri.EscapeDataString("水质联合监测")));
        }
        // Every other list and action that names the scenario follows the same rule: the home page and its category
        // counts, the Q&A list, the objection form.
        Assert.Contains(title, await sanhe.GetStringAsync("/"));
        foreach (var outsider in new[] { shanghai, anonymous })
        {
            Assert.DoesNotContain(title, await outsider.GetStringAsync("/"));
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/scenarios/{scenario.Id}/questions")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/objections",
                new Marketplace.Web.Features.Process.ObjectionDto("某公司", "someone@example.test", "对入选结果有异议，请核查相关材料。"))).StatusCode);
        }
        var refused = await shanghai.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", TestData.Proposal("跨界河道水质监测浮标与数据平台的技术方案。", 10));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await sanhe.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", TestData.Proposal("跨界河道水质监测浮标与数据平台的技术方案。", 10))).StatusCode);
    }

    [PostgresFact]
    public async Task ADraft_StaysPrivateAndIncomplete_UntilSubmittedWithDeclarations()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("草稿与承诺：社区电动自行车充电管理"));
        var firm = await TestData.FirmAsync(app);
        var client = await FirmClientAsync(firm);
        var url = $"/api/v1/scenarios/{scenario.Id}/applications";

        var draft = await client.PostAsJsonAsync(url, new SubmitApplicationDto("只写了一半", 0, Draft: true));
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        var own = await app.Get<ApplicationQueries>().GetOwnAsync(scenario.Id, firm.Id, default);
        Assert.Equal("draft", own!.Status);

        var incomplete = await client.PostAsJsonAsync(url, new SubmitApplicationDto("完整的技术方案：充电柜、烟感联动和物业平台，分两期实施。", 30));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, incomplete.StatusCode);
        var problem = await incomplete.ReadAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("team", fields, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("declaredTruthful", fields, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("draft", (await app.Get<ApplicationQueries>().GetOwnAsync(scenario.Id, firm.Id, default))!.Status);

        var submitted = await client.PostAsJsonAsync(url, TestData.Proposal("完整的技术方案：充电柜、烟感联动和物业平台，分两期实施。", 30));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        own = await app.Get<ApplicationQueries>().GetOwnAsync(scenario.Id, firm.Id, default);
        Assert.Equal(("submitted", TestData.Team, true), (own!.Status, own.Team, own.DeclaredNoDoubleFunding));
        var again = await client.PostAsJsonAsync(url, new SubmitApplicationDto("再存草稿", 0, Draft: true));
        Assert.Equal("application_already_submitted", (await again.ReadAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [PostgresFact]
    public async Task AConsortium_NamesMembersByCreditCode_AndRefusesUnknownOnes()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("联合体申报：智慧养老综合服务平台"));
        var lead = await TestData.FirmAsync(app);
        var member = await TestData.FirmAsync(app, name: "联合体成员软件有限公司");
        var client = await FirmClientAsync(lead);
        var url = $"/api/v1/scenarios/{scenario.Id}/applications";
        var body = TestData.Proposal("牵头单位负责平台，成员单位负责终端与运营，三个月上线。", 80);

        var unknown = await client.PostAsJsonAsync(url, body with { ConsortiumMembers = ["91110000000000000X"] });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal("consortium_unknown", (await unknown.ReadAsync<JsonElement>()).GetProperty("code").GetString());
        // A huge list (within the 1 MB body limit) is refused by its size before a single code is looked up.
        var huge = await client.PostAsJsonAsync(url, body with { ConsortiumMembers = Enumerable.Range(0, 20_000).Select(i => $"9111{i:00000000000000}").ToArray() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, huge.StatusCode);
        Assert.Equal("consortium_size", (await huge.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(url, body with { ConsortiumMembers = [member.CreditCode.ToLowerInvariant()] })).StatusCode);
        Assert.Equal([member.Id], (await app.Get<ApplicationQueries>().GetOwnAsync(scenario.Id, lead.Id, default))!.ConsortiumMemberIds);
    }

    [PostgresFact]
    public async Task ASuspendedFirm_CannotApply_AndLiftingTheSuspensionLetsItApply()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("暂停申报：智慧停车诱导"));
        var firm = await TestData.FirmAsync(app);
        var client = await FirmClientAsync(firm);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var bad = await MarketplaceApp.PostFormAsync(officer, $"/officer/directory/{firm.Id}", $"/officer/directory/{firm.Id}/suspension",
            new Dictionary<string, string> { ["until"] = "2000-01-01", ["reason"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, bad.StatusCode);
        Assert.Null((await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!.SuspendedUntil);

        var until = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddYears(1);
        await MarketplaceApp.PostFormAsync(officer, $"/officer/directory/{firm.Id}", $"/officer/directory/{firm.Id}/suspension",
            new Dictionary<string, string> { ["until"] = until.ToString("yyyy-MM-dd"), ["reason"] = "列入严重失信主体名单" });
        Assert.Equal(until, (await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!.SuspendedUntil);
        Assert.Contains("列入严重失信主体名单", await officer.GetStringAsync($"/officer/directory/{firm.Id}"));

        var url = $"/api/v1/scenarios/{scenario.Id}/applications";
        var refused = await client.PostAsJsonAsync(url, TestData.Proposal("停车诱导屏与地磁检测的技术方案，两个月实施。", 20));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("enterprise_suspended", (await refused.ReadAsync<JsonElement>()).GetProperty("code").GetString());

        await MarketplaceApp.PostFormAsync(officer, $"/officer/directory/{firm.Id}", $"/officer/directory/{firm.Id}/suspension",
            new Dictionary<string, string> { ["lift"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(url, TestData.Proposal("停车诱导屏与地磁检测的技术方案，两个月实施。", 20))).StatusCode);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string formPage, string action, string name, byte[] content)
    {
        var html = await client.GetStringAsync(formPage);
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(content), "file", name },
        };
        return await client.PostAsync(action, form);
    }

    [PostgresFact]
    public async Task ApplicationFiles_AreSealedUntilTheDeadline_ThenOfficersGetTheSameBytes()
    {
        var firm = await TestData.FirmAsync(app);
        var client = await FirmClientAsync(firm);
        var other = await FirmClientAsync(await TestData.FirmAsync(app));
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("附件封存：智慧路灯单灯控制") with { ClosesAt = app.Clock.GetUtcNow().AddMinutes(5) });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("单灯控制器与能耗平台，按路段分批替换，三个月完成。", 60))).StatusCode);

        var apply = $"/scenarios/{scenario.Id}/apply";
        var disguised = await UploadAsync(client, apply, $"/scenarios/{scenario.Id}/application/files", "方案.pdf", [0x4D, 0x5A, 0x90, 0x00]);
        Assert.Equal(HttpStatusCode.Redirect, disguised.StatusCode);
        await UploadAsync(client, apply, $"/scenarios/{scenario.Id}/application/files", "技术方案书.pdf", Pdf);
        var page = await client.GetStringAsync(apply);
        Assert.DoesNotContain("方案.pdf<", page.Replace("技术方案书.pdf<", ""));
        var link = Regex.Match(page, "href=\"(/files/[0-9a-f-]+)\"").Groups[1].Value;
        Assert.NotEmpty(link);

        Assert.Equal(Pdf, await client.GetByteArrayAsync(link));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync(link)).StatusCode);

        await TestData.PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        var download = await officer.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(link)).StatusCode);
    }

    [PostgresFact]
    public async Task AnOfficer_EditsAProposalsTerms_AndUnreadableLinesComeBackWithTheirLineNumber()
    {
        var firm = await FirmClientAsync(await TestData.FirmAsync(app));
        var proposal = TestData.ScenarioCommand("企业出题：园区光储充一体化调度") with { ClosesAt = null };
        var id = (await (await firm.PostAsJsonAsync("/api/v1/scenarios/proposals", proposal)).ReadAsync<CreatedDto>()).Id;
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var edit = $"/officer/scenarios/{id}/edit";
        var fields = new Dictionary<string, string>
        {
            ["Title"] = "园区光储充一体化调度", ["Summary"] = "园区光伏、储能和充电桩统一调度，降低需量电费。",
            ["Description"] = "园区光伏出力与充电负荷错峰，需量电费偏高，希望建设光储充一体化调度系统并接入虚拟电厂平台。",
            ["Category"] = "livable-city", ["Domain"] = "能源", ["Technologies"] = "储能、虚拟电厂", ["BudgetMinWan"] = "100", ["BudgetMaxWan"] = "500",
            ["Mode"] = "horse_race", ["AwardSlots"] = "2", ["ClosesAt"] = DateTime.UtcNow.AddHours(8).AddDays(30).ToString("yyyy-MM-ddTHH:mm"),
            ["FundingMode"] = "以奖代补", ["Rubric"] = "技术方案:50\n团队:很多", ["MilestoneTemplate"] = "方案|30\n试点|120|100\n验收|240|200",
            ["Visibility"] = "partners", ["PartnerRegions"] = "雄安新区", ["ExcludeWinnersWithinYears"] = "2", ["MinRegisteredCapitalWan"] = "0",
        };
        var again = await MarketplaceApp.PostFormAsync(officer, edit, edit, fields);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var html = await again.Content.ReadAsStringAsync();
        Assert.Contains("评审细则第 2 行", html);
        Assert.Contains("园区光储充一体化调度", html); // nothing typed is lost

        fields["Rubric"] = "技术方案:50\n团队与案例:30\n报价:20";
        Assert.Equal(HttpStatusCode.Redirect, (await MarketplaceApp.PostFormAsync(officer, edit, edit, fields)).StatusCode);
        var s = (await app.Get<ScenarioStore>().GetAsync(id, default))!;
        Assert.Equal(ScenarioStatus.Submitted, s.Status);
        Assert.Equal(("以奖代补", 3, 240, true), (s.FundingMode, s.Rubric.Count, s.MilestoneTemplate[^1].OffsetDays, s.MilestoneTemplate[^1].Final));
        Assert.Equal((ScenarioVisibility.Partners, "雄安新区", 2), (s.Visibility, s.PartnerRegions.Single(), s.ExcludeWinnersWithinYears));

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/scenarios/{id}/publish", null)).StatusCode);
        var late = await MarketplaceApp.PostFormAsync(officer, $"/scenarios/{id}", edit, fields);
        Assert.Contains("变更条款", await late.Content.ReadAsStringAsync());
    }
}
