using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Garbage into every form and endpoint this session added (terms, proposals, files, suspension, follows, targets,
/// ledger, reports, open data): a message, a redirect with the error, 400/404/422 — never a 500.
/// </summary>
public sealed class BadInputSweepTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static readonly string[] Garbage = ["", "abc", "-1", "99999999999999999999", "2026-13-45T99:99", "<script>alert(1)</script>", "'; drop table x; --", new string('长', 30000)];

    [PostgresFact]
    public async Task NewFormsAndEndpoints_NeverAnswer500()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("坏输入：各表单逐项检验"));
        var firm = await TestData.FirmAsync(app);
        var member = await app.SignedInClientAsync((await TestData.MemberAsync(app, firm)).Email, TestData.Password);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var admin = await app.SignedInClientAsync((await app.Get<UserStore>().EnsureAsync($"admin{Guid.NewGuid():N}@gov.test", "管理员",
            TestData.Password, Roles.Admin, null, null, default)).Email, TestData.Password);
        var failures = new List<string>();

        async Task Post(HttpClient client, string page, string action, Dictionary<string, string> fields)
        {
            var response = await MarketplaceApp.PostFormAsync(client, page, action, fields);
            if ((int)response.StatusCode >= 500) failures.Add($"POST {action} {string.Join("&", fields.Select(f => f.Key + "=" + f.Value[..Math.Min(20, f.Value.Length)]))} → {(int)response.StatusCode}");
        }

        async Task Get(HttpClient client, string url)
        {
            var response = await client.GetAsync(url);
            if ((int)response.StatusCode >= 500) failures.Add($"GET {url} → {(int)response.StatusCode}");
        }

        foreach (var g in Garbage)
        {
            await Post(officer, "/officer/scenarios/new", "/officer/scenarios/new", new()
            {
                ["Title"] = g, ["ClosesAt"] = g, ["BudgetMinWan"] = g, ["BudgetMaxWan"] = g, ["AwardSlots"] = g, ["Rubric"] = g,
                ["MilestoneTemplate"] = g, ["Visibility"] = g, ["PartnerRegions"] = g, ["ExcludeWinnersWithinYears"] = g, ["AllowedRegions"] = g,
                ["FundingMode"] = g, ["ResponsiblePerson"] = g, ["Category"] = g, ["Mode"] = g,
            });
            await Post(member, "/firm/propose", "/firm/propose", new() { ["Title"] = g, ["Rubric"] = g, ["MilestoneTemplate"] = "x|" + g });
            await Post(member, $"/scenarios/{scenario.Id}/apply", $"/scenarios/{scenario.Id}/apply", new()
            {
                ["Approach"] = g, ["QuotedBudgetWan"] = g, ["Team"] = g, ["Schedule"] = g, ["ConsortiumMembers"] = g, ["DeclaredTruthful"] = g, ["Action"] = g,
            });
            await Post(member, "/firm/profile", "/firm/profile", new() { ["PublicCard"] = g, ["RegisteredCapitalWan"] = g, ["Employees"] = g, ["Name"] = g });
            await Post(officer, $"/officer/directory/{firm.Id}", $"/officer/directory/{firm.Id}/suspension", new() { ["until"] = g, ["reason"] = g, ["lift"] = g });
            await Post(member, "/account/follows", "/account/follows", new() { ["kind"] = g, ["value"] = g });
            await Post(member, "/account/follows", "/account/follows", new() { ["kind"] = "scenario", ["value"] = g });
            await Post(member, "/account/follows", "/account/follows/frequency", new() { ["frequency"] = g });
            await Post(admin, "/admin/targets", "/admin/targets/smart-city", new() { ["targetValue"] = g, ["periodStart"] = g, ["periodEnd"] = g });
            await Post(admin, "/admin/targets", $"/admin/targets/{Uri.EscapeDataString(g.Length > 50 ? "x" : g + "x")}", new() { ["targetValue"] = "3" });
            var q = Uri.EscapeDataString(g.Length > 200 ? g[..200] : g);
            await Get(officer, $"/officer/monitoring/ledger?month={q}&category={q}&status={q}&q={q}");
            await Get(officer, $"/officer/monitoring/reports/{q}x.xlsx?category={q}");
            await Get(officer, $"/officer/monitoring/reports/stored/{q}x.xlsx");
            await Get(app.CreateClient(), $"/open-data/ocds/{q}x.json");
            await Get(app.CreateClient(), $"/scenarios?q={q}&category={q}&technology={q}");
        }

        // Files: nothing, an empty file, a wrong type, a disguised executable, and ids that do not exist.
        var apply = $"/scenarios/{scenario.Id}/apply";
        await member.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications", TestData.Proposal("完整的方案，用来给附件一个归属。", 10));
        foreach (var (name, bytes) in new[] { ("", Array.Empty<byte>()), ("a.pdf", Array.Empty<byte>()), ("a.exe", new byte[] { 0x4D, 0x5A }), ("b.pdf", new byte[] { 0x4D, 0x5A }) })
        {
            var html = await member.GetStringAsync(apply);
            var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
            if (name.Length > 0) form.Add(new ByteArrayContent(bytes), "file", name);
            var response = await member.PostAsync($"/scenarios/{scenario.Id}/application/files", form);
            if ((int)response.StatusCode >= 500) failures.Add($"upload {name} → {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/files/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/files/not-a-guid")).StatusCode);
        var badJson = await member.PostAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            new StringContent("{\"consortiumMembers\": 5, \"draft\": \"maybe\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);

        Assert.Empty(failures);
    }

    /// <summary>Every other form of the site, each field given the same garbage (unknown fields are simply ignored).</summary>
    [PostgresFact]
    public async Task EveryOtherForm_NeverAnswers500()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("坏输入：其余表单逐项检验"));
        var firm = await TestData.FirmAsync(app);
        var member = await app.SignedInClientAsync((await TestData.MemberAsync(app, firm)).Email, TestData.Password);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var admin = await app.SignedInClientAsync((await app.Get<UserStore>().EnsureAsync($"admin{Guid.NewGuid():N}@gov.test", "管理员",
            TestData.Password, Roles.Admin, null, null, default)).Email, TestData.Password);
        var reviewer = await app.SignedInClientAsync((await app.Get<UserStore>().EnsureAsync($"reviewer{Guid.NewGuid():N}@expert.test", "专家",
            TestData.Password, Roles.Reviewer, null, null, default)).Email, TestData.Password);
        var random = Guid.NewGuid();
        var forms = new (HttpClient Client, string Page, string Action)[]
        {
            (app.FormClient(), "/account/signup", "/account/signup"), (app.FormClient(), "/account/login", "/account/login"),
            (app.FormClient(), "/account/forgot", "/account/forgot"), (app.FormClient(), "/account/login", "/account/reset"),
            (app.FormClient(), "/account/login", "/account/accept"), (app.FormClient(), "/scenarios", "/language"),
            (member, "/account/preferences", "/account/preferences"), (member, "/firm/qualifications", "/firm/qualifications"),
            (member, "/account", "/account/tokens"), (member, "/account", $"/account/tokens/{random}/revoke"),
            (member, "/firm/members", "/firm/members"), (member, "/firm/milestones", $"/firm/milestones/{random}/evidence"),
            (member, "/firm", $"/firm/recommendations/{random}/dismiss"),
            (member, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/questions"), (member, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/withdraw"),
            (member, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/reconfirm"), (app.FormClient(), $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/objections"),
            (officer, $"/scenarios/{scenario.Id}", $"/scenarios/{scenario.Id}/questions/{random}/answer"),
            (officer, "/officer", "/officer/scenarios/publish"), (officer, "/officer", $"/officer/scenarios/{random}/publish"),
            (officer, "/officer", $"/officer/scenarios/{scenario.Id}/invitations/{random}"),
            (officer, "/officer/directory", $"/officer/directory/qualifications/{random}/verify"), (officer, "/officer/directory", $"/officer/directory/qualifications/{random}/reject"),
            (officer, "/officer", $"/officer/scenarios/{scenario.Id}/process/review/start"), (officer, "/officer", $"/officer/scenarios/{scenario.Id}/process/reviewers"),
            (officer, "/officer", $"/officer/scenarios/{scenario.Id}/process/decision"), (officer, "/officer", $"/officer/scenarios/{scenario.Id}/process/objections/{random}/answer"),
            (officer, "/officer", $"/officer/scenarios/{scenario.Id}/process/delivery/start"), (officer, "/officer", $"/officer/scenarios/{scenario.Id}/process/milestones/{random}/verdict"),
            (reviewer, "/reviewer", $"/reviewer/{random}/scores"), (reviewer, "/reviewer", $"/reviewer/{random}/conflict"),
            (admin, "/admin", "/admin/invitations"), (admin, "/admin", "/admin/vocabulary"), (admin, "/admin", $"/admin/outbox/{random}/retry"),
        };
        string[] names = ["Email", "Password", "DisplayName", "Name", "CreditCode", "Region", "Industry", "Kind", "Evidence", "ExpiresOn", "Role", "Term",
            "Token", "culture", "returnUrl", "ids", "winners", "reason", "answer", "upheld", "verdict", "note", "evidence", "question", "name", "contact",
            "content", "on", "applicationId", "reviewerId", "scores[技术方案]", "notes[技术方案]", "RegisteredCapitalWan", "Employees",
            "Form.Name", "Form.ExpiresInDays"];
        var failures = new List<string>();
        foreach (var g in Garbage.Take(7))
            foreach (var (client, page, action) in forms)
            {
                var response = await MarketplaceApp.PostFormAsync(client, page, action, names.ToDictionary(n => n, _ => g));
                if ((int)response.StatusCode >= 500) failures.Add($"POST {action} with \"{g[..Math.Min(20, g.Length)]}\" → {(int)response.StatusCode}");
            }
        Assert.Empty(failures);
    }
}
