using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Accounts.Users;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.Enterprises.Profiles;
using Marketplace.Flows.Accounts;
using Marketplace.IntegrationTests.Support;

namespace Marketplace.IntegrationTests;

/// <summary>
/// Identity cannot be squatted: a sign-up for a credit code is a pending claim an officer decides (or that expires); a
/// pending account applies for nothing; a claim to a held code is a dispute the officer settles, by transfer if need be.
/// </summary>
public sealed class FirmClaimTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private const string Password = "Signup2026pass";

    private static string NewCreditCode() =>
        CreditCode.Complete("91110112" + new string(Guid.NewGuid().ToString("N").ToUpperInvariant()
            .Where(c => "0123456789ABCDEFGHJKLMNPQRTUWXY".Contains(c)).Take(8).ToArray()));

    /// <summary>Signs up through the form for <paramref name="code"/>, verifies the email by its link and signs in.</summary>
    private async Task<(HttpClient Client, string Email)> SignUpAsync(string code, string firmName = "北京认领测试科技有限公司")
    {
        var email = $"claimant-{Guid.NewGuid():N}@firm.test";
        var form = app.FormClient();
        var signup = await MarketplaceApp.PostFormAsync(form, "/account/signup", "/account/signup", new Dictionary<string, string>
        {
            ["FirmName"] = firmName, ["CreditCode"] = code, ["Industry"] = "数字经济", ["Region"] = "通州区·宋庄镇",
            ["DisplayName"] = "张认领", ["Email"] = email, ["Password"] = Password, ["Evidence"] = "营业执照注册号同信用代码，联系人王经理 010-12345678",
        });
        Assert.Contains("请查收验证邮件", await signup.Content.ReadAsStringAsync());
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email) && (m.Subject ?? "").Contains("验证"));
        Assert.Contains("邮箱已验证", await form.GetStringAsync(MarketplaceApp.LinkPathIn(mail)));
        return (await app.SignedInClientAsync(email, Password), email);
    }

    private async Task<FirmClaimReview> PendingClaimOfAsync(string email) =>
        (await app.Get<FirmClaims>().ListPendingAsync(default)).Single(r => r.Claim.Email == email);

    private async Task<HttpClient> OfficerAsync() => await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

    private static Task<HttpResponseMessage> ApplyAsync(HttpClient client, Guid scenarioId) =>
        client.PostAsJsonAsync($"/api/v1/scenarios/{scenarioId}/applications", TestData.Proposal("认领后申报的技术方案：智能投放设备与督导平台，分两期实施。", 80));

    private static async Task<string?> CodeOf(HttpResponseMessage response) => (await response.ReadAsync<JsonElement>()).GetProperty("code").GetString();

    [PostgresFact]
    public async Task SquattingACode_LeavesItPending_AndTheRealFirmCanStillClaimIt()
    {
        var code = NewCreditCode();
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("认领测试：社区智能垃圾分类", closesAt: app.Clock.GetUtcNow().AddDays(5)));

        var (squatter, squatterEmail) = await SignUpAsync(code, "冒名科技有限公司");
        var (real, realEmail) = await SignUpAsync(code);

        // Two pending claims to one code; neither made a firm, neither blocks the other, neither is a dispute.
        Assert.Null(await app.Get<EnterpriseStore>().FindByCreditCodeAsync(code, default));
        Assert.False((await PendingClaimOfAsync(squatterEmail)).IsDispute);
        Assert.False((await PendingClaimOfAsync(realEmail)).IsDispute);

        // A pending account cannot act for the firm: 403 with a code on the API, the claim page instead of the workbench.
        var refused = await ApplyAsync(squatter, scenario.Id);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("firm_not_verified", await CodeOf(refused));
        Assert.Equal(HttpStatusCode.Forbidden, (await squatter.GetAsync("/api/v1/me/recommendations")).StatusCode);
        var workbench = await squatter.GetAsync("/firm");
        Assert.Equal("/account/claim", workbench.Headers.Location?.OriginalString);
        Assert.Contains("审核中", await squatter.GetStringAsync("/account/claim"));
        Assert.Equal(HttpStatusCode.Forbidden, (await ApplyAsync(real, scenario.Id)).StatusCode);
    }

    [PostgresFact]
    public async Task OfficerApproves_TheSameSessionCanApply_AndARejectedClaimantCannot()
    {
        var code = NewCreditCode();
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("认领测试：老旧小区满溢预警", closesAt: app.Clock.GetUtcNow().AddDays(5)));
        var (real, realEmail) = await SignUpAsync(code);
        var (squatter, squatterEmail) = await SignUpAsync(code, "冒名物联有限公司");
        var officer = await OfficerAsync();
        Assert.Contains("企业认领审核", await officer.GetStringAsync("/officer/firm-claims"));

        // Only staff see and decide the queue.
        Assert.Equal(HttpStatusCode.Forbidden, (await real.GetAsync("/api/v1/firm-claims")).StatusCode);
        var claim = await PendingClaimOfAsync(realEmail);
        var approved = await officer.PostAsJsonAsync($"/api/v1/firm-claims/{claim.Claim.Id}/decision", new FirmClaimDecisionBody(true));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        // The firm exists now, made from the claim, and the claimant's session acts for it without signing in again.
        var firm = await app.Get<EnterpriseStore>().FindByCreditCodeAsync(code, default);
        Assert.Equal("北京认领测试科技有限公司", firm!.Name);
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(real, scenario.Id)).StatusCode);
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(realEmail) && (m.Subject ?? "").Contains("认领已通过"));
        Assert.Contains(code, mail.TextBody);

        // The other claim to the same code is a dispute now; rejecting needs a reason, and the rejected one still cannot apply.
        var other = await PendingClaimOfAsync(squatterEmail);
        Assert.True(other.IsDispute);
        var noReason = await officer.PostAsJsonAsync($"/api/v1/firm-claims/{other.Claim.Id}/decision", new FirmClaimDecisionBody(false));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Equal("firm_claim_reason_required", await CodeOf(noReason));
        var rejected = await officer.PostAsJsonAsync($"/api/v1/firm-claims/{other.Claim.Id}/decision", new FirmClaimDecisionBody(false, Reason: "营业执照与企业名称不符，企业联系人否认"));
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("firm_not_verified", await CodeOf(await ApplyAsync(squatter, scenario.Id)));
        Assert.Contains("营业执照与企业名称不符", await squatter.GetStringAsync("/account/claim"));
        // Decided once: a second decision is a conflict.
        var again = await officer.PostAsJsonAsync($"/api/v1/firm-claims/{other.Claim.Id}/decision", new FirmClaimDecisionBody(true));
        Assert.Equal("firm_claim_decided", await CodeOf(again));
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(squatterEmail) && (m.Subject ?? "").Contains("认领未通过"));
        var audit = await app.Get<AuditQueries>().ListAsync("firm_claim", null, 50, default);
        Assert.Contains(audit, e => e.Action == "firm_claim.approved" && e.EntityId == claim.Claim.Id.ToString());
        Assert.Contains(audit, e => e.Action == "firm_claim.rejected" && e.EntityId == other.Claim.Id.ToString());
    }

    [PostgresFact]
    public async Task AnUnverifiedClaim_ExpiresAfterThePeriod_AndTheAccountMayClaimAgain()
    {
        var code = NewCreditCode();
        var (_, email) = await SignUpAsync(code);
        var claim = await PendingClaimOfAsync(email);
        var expiry = app.Get<Microsoft.Extensions.Options.IOptions<AccountOptions>>().Value.ClaimExpiry;
        Assert.Equal(TimeSpan.FromDays(14), expiry);

        Assert.Equal(0, await app.Get<FirmClaims>().ExpireDueAsync(default)); // not yet
        app.Clock.Pass(claim.Claim.ExpiresAt);
        Assert.True(await app.Get<FirmClaims>().ExpireDueAsync(default) >= 1);
        Assert.Equal(0, await app.Get<FirmClaims>().ExpireDueAsync(default)); // once
        Assert.DoesNotContain(await app.Get<FirmClaims>().ListPendingAsync(default), r => r.Claim.Id == claim.Claim.Id);
        var officer = await OfficerAsync();
        var late = await officer.PostAsJsonAsync($"/api/v1/firm-claims/{claim.Claim.Id}/decision", new FirmClaimDecisionBody(true));
        Assert.Equal("firm_claim_decided", await CodeOf(late));
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email) && (m.Subject ?? "").Contains("认领已过期"));

        // Sessions from before have outlived their absolute lifetime; the person signs in again and claims anew.
        var client = await app.SignedInClientAsync(email, Password);
        var claimAgain = await client.PostAsJsonAsync("/api/v1/me/firm-claims",
            new { firmName = "北京认领测试科技有限公司", creditCode = code, industry = "数字经济", region = "通州区·宋庄镇", evidence = "补充营业执照扫描件编号" });
        Assert.Equal(HttpStatusCode.OK, claimAgain.StatusCode);
        var twice = await client.PostAsJsonAsync("/api/v1/me/firm-claims",
            new { firmName = "北京认领测试科技有限公司", creditCode = code, industry = "数字经济", region = "通州区·宋庄镇" });
        Assert.Equal("firm_claim_pending_exists", await CodeOf(twice));
    }

    [PostgresFact]
    public async Task ADisputeSettledByTransfer_EndsTheFormerMembersSessions_AndTheClaimantActsForTheFirm()
    {
        var firm = await TestData.FirmAsync(app, name: "被冒用后追回科技有限公司");
        var holder = await TestData.MemberAsync(app, firm);
        var holderSession = await app.SignedInClientAsync(holder.Email, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, (await holderSession.GetAsync("/api/v1/me/recommendations")).StatusCode);
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("认领测试：争议转移后申报", closesAt: app.Clock.GetUtcNow().AddDays(5)));

        var (claimant, claimantEmail) = await SignUpAsync(firm.CreditCode, firm.Name);
        var dispute = await PendingClaimOfAsync(claimantEmail);
        Assert.True(dispute.IsDispute);
        Assert.True(dispute.Claim.Disputed);
        Assert.Equal(firm.Id, dispute.FirmId);

        var officer = await OfficerAsync();
        var plain = await officer.PostAsJsonAsync($"/api/v1/firm-claims/{dispute.Claim.Id}/decision", new FirmClaimDecisionBody(true));
        Assert.Equal(HttpStatusCode.Conflict, plain.StatusCode);
        Assert.Equal("firm_claim_disputed", await CodeOf(plain));
        Assert.Equal(HttpStatusCode.OK, (await holderSession.GetAsync("/api/v1/me/recommendations")).StatusCode);

        var transfer = await officer.PostAsJsonAsync($"/api/v1/firm-claims/{dispute.Claim.Id}/decision",
            new FirmClaimDecisionBody(true, Transfer: true, Reason: "经核实营业执照原件，原账号为前员工私自注册"));
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await holderSession.GetAsync("/api/v1/me/recommendations")).StatusCode);
        Assert.Null((await app.Get<UserStore>().GetAsync(holder.Id, default))!.EnterpriseId);
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(claimant, scenario.Id)).StatusCode);
        var audit = await app.Get<AuditQueries>().ListAsync("firm_claim", dispute.Claim.Id.ToString(), 10, default);
        var entry = Assert.Single(audit, e => e.Action == "firm_claim.transferred");
        Assert.Contains(holder.Id.ToString(), entry.Before);
        await app.DrainOutboxAsync();
        await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(holder.Email) && (m.Subject ?? "").Contains("解除关联"));
        // The former member can sign in again, but acts for no firm.
        var formerAgain = await app.SignedInClientAsync(holder.Email, TestData.Password);
        Assert.Equal("firm_not_verified", await CodeOf(await ApplyAsync(formerAgain, scenario.Id)));
    }

    private sealed record FirmClaimDecisionBody(bool Approve, bool Transfer = false, string? Reason = null);
}
