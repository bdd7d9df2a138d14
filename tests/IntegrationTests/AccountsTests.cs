using System.Net;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.IntegrationTests;

/// <summary>Sign-up to verified sign-in, lockout, password reset and invitations, with real email through SMTP.</summary>
public sealed class AccountsTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static Dictionary<string, string> SignUpFields(string email, string creditCode) => new()
    {
        ["FirmName"] = "北京注册测试科技有限公司", ["CreditCode"] = creditCode, ["Industry"] = "数字经济", ["Region"] = "通州区·宋庄镇",
        ["DisplayName"] = "张注册", ["Email"] = email, ["Password"] = "Signup2026pass",
    };

    private static string NewCreditCode() =>
        Marketplace.Enterprises.Profiles.CreditCode.Complete("91110112" + new string(Guid.NewGuid().ToString("N").ToUpperInvariant()
            .Where(c => "0123456789ABCDEFGHJKLMNPQRTUWXY".Contains(c)).Take(8).ToArray()));

    [PostgresFact]
    public async Task SignUp_NeedsTheEmailLinkBeforeSignIn()
    {
        var email = $"owner-{Guid.NewGuid():N}@firm.test";
        var client = app.FormClient();

        var signup = await MarketplaceApp.PostFormAsync(client, "/account/signup", "/account/signup", SignUpFields(email, NewCreditCode()));
        Assert.Contains("请查收验证邮件", await signup.Content.ReadAsStringAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.SignedInClientAsync(email, "Signup2026pass"));

        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(email));
        Assert.Contains("验证", mail.Subject);
        var verified = await client.GetStringAsync(MarketplaceApp.LinkPathIn(mail));
        Assert.Contains("邮箱已验证", verified);

        // Signed in, the account waits for an officer to verify its claim to the firm (FirmClaimTests).
        var signedIn = await app.SignedInClientAsync(email, "Signup2026pass");
        var claim = await signedIn.GetStringAsync("/account/claim");
        Assert.Contains("北京注册测试科技有限公司", claim);
        Assert.Contains("审核中", claim);
        // A verification link works once.
        Assert.Contains("无法验证", await client.GetStringAsync(MarketplaceApp.LinkPathIn(mail)));
    }

    [PostgresFact]
    public async Task SignUp_WithBadInput_ShowsFieldMessagesAndKeepsInput()
    {
        var fields = SignUpFields("not-an-email", "91110112MA01RL8A9X");
        fields["Password"] = "short";
        fields["Region"] = "火星";
        var response = await MarketplaceApp.PostFormAsync(app.FormClient(), "/account/signup", "/account/signup", fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("校验位", html);
        Assert.Contains("有效的邮箱", html);
        Assert.Contains("至少 10 位", html);
        Assert.Contains("注册地应以", html);
        Assert.Contains("北京注册测试科技有限公司", html);
    }

    [PostgresFact]
    public async Task SignUp_WithACreditCodeClaimedBefore_IsAnotherPendingClaim_NotARefusal()
    {
        var code = NewCreditCode();
        await MarketplaceApp.PostFormAsync(app.FormClient(), "/account/signup", "/account/signup", SignUpFields($"a-{Guid.NewGuid():N}@firm.test", code));
        var second = await MarketplaceApp.PostFormAsync(app.FormClient(), "/account/signup", "/account/signup", SignUpFields($"b-{Guid.NewGuid():N}@firm.test", code));
        Assert.Contains("请查收验证邮件", await second.Content.ReadAsStringAsync());
        Assert.Equal(2, (await app.Get<Marketplace.Flows.Accounts.FirmClaims>().ListPendingAsync(default)).Count(r => r.Claim.CreditCode == code));
    }

    [PostgresFact]
    public async Task FiveWrongPasswords_LockTheAccount_AndAResetUnlocksIt()
    {
        var officer = await TestData.OfficerAsync(app);
        for (var i = 0; i < UserStore.MaxFailedLogins; i++)
            await Assert.ThrowsAsync<InvalidOperationException>(() => app.SignedInClientAsync(officer.Email, "wrong-password-1"));

        var locked = await MarketplaceApp.PostFormAsync(app.FormClient(), "/account/login", "/account/login",
            new Dictionary<string, string> { ["Email"] = officer.Email, ["Password"] = TestData.Password });
        Assert.Contains("已锁定", await locked.Content.ReadAsStringAsync());

        var client = app.FormClient();
        await MarketplaceApp.PostFormAsync(client, "/account/forgot", "/account/forgot", new Dictionary<string, string> { ["Email"] = officer.Email });
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(officer.Email) && (m.Subject ?? "").Contains("重置"));
        var link = MarketplaceApp.LinkPathIn(mail);
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var reset = await MarketplaceApp.PostFormAsync(client, link, "/account/reset",
            new Dictionary<string, string> { ["Token"] = Uri.UnescapeDataString(token), ["Password"] = "NewPassword2026" });
        Assert.Contains("密码已重置", await reset.Content.ReadAsStringAsync());

        await app.SignedInClientAsync(officer.Email, "NewPassword2026");
    }

    [PostgresFact]
    public async Task ForgotPassword_ForAnUnknownEmail_AnswersTheSameAndSendsNothing()
    {
        var response = await MarketplaceApp.PostFormAsync(app.FormClient(), "/account/forgot", "/account/forgot",
            new Dictionary<string, string> { ["Email"] = "nobody-here@firm.test" });
        Assert.Contains("如果该邮箱已注册", await response.Content.ReadAsStringAsync());
        await app.DrainOutboxAsync();
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To.ToString().Contains("nobody-here@firm.test"));
    }

    [PostgresFact]
    public async Task AdminInvitesAnOfficer_WhoSetsAPasswordAndSignsIn()
    {
        var admin = await app.Get<UserStore>().EnsureAsync($"admin-{Guid.NewGuid():N}@gov.test", "管理员", TestData.Password, Roles.Admin, null, "平台运营", default);
        var adminClient = await app.SignedInClientAsync(admin.Email, TestData.Password);
        var invitee = $"officer-{Guid.NewGuid():N}@gov.test";

        var invited = await MarketplaceApp.PostFormAsync(adminClient, "/admin", "/admin/invitations",
            new Dictionary<string, string> { ["Email"] = invitee, ["Role"] = "officer", ["Department"] = "区经信局" });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(invitee));
        var link = MarketplaceApp.LinkPathIn(mail);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

        var accepted = await MarketplaceApp.PostFormAsync(app.FormClient(), link, "/account/accept",
            new Dictionary<string, string> { ["Token"] = token, ["DisplayName"] = "李经办", ["Password"] = "Officer2026pass" });
        Assert.Contains("账号已开通", await accepted.Content.ReadAsStringAsync());

        var officer = await app.SignedInClientAsync(invitee, "Officer2026pass");
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/officer")).StatusCode);
        // The used link's page has no form any more (and, since the language switch is a link, no token): any form's token serves.
        var again = await MarketplaceApp.PostFormAsync(app.FormClient(), "/account/login", "/account/accept",
            new Dictionary<string, string> { ["Token"] = token, ["DisplayName"] = "李经办", ["Password"] = "Officer2026pass" });
        Assert.Contains("邀请无效", await again.Content.ReadAsStringAsync());
    }

    [PostgresFact]
    public async Task FirmOwnerInvitesAMember_OfTheSameFirm_AndAMemberCannotInvite()
    {
        var firm = await TestData.FirmAsync(app);
        var owner = await TestData.MemberAsync(app, firm);
        var ownerClient = await app.SignedInClientAsync(owner.Email, TestData.Password);
        var invitee = $"member-{Guid.NewGuid():N}@firm.test";

        await MarketplaceApp.PostFormAsync(ownerClient, "/firm/members", "/firm/members", new Dictionary<string, string> { ["Email"] = invitee });
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.ToString().Contains(invitee));
        var link = MarketplaceApp.LinkPathIn(mail);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        await MarketplaceApp.PostFormAsync(app.FormClient(), link, "/account/accept",
            new Dictionary<string, string> { ["Token"] = token, ["DisplayName"] = "王成员", ["Password"] = "Member2026pass" });

        var member = await app.Get<UserStore>().FindByEmailAsync(invitee, default);
        Assert.Equal((firm.Id, "member"), (member!.EnterpriseId!.Value, member.FirmRole!));
        var memberClient = await app.SignedInClientAsync(invitee, "Member2026pass");
        var refused = await MarketplaceApp.PostFormAsync(memberClient, "/firm/members", "/firm/members",
            new Dictionary<string, string> { ["Email"] = $"x-{Guid.NewGuid():N}@firm.test" });
        Assert.Contains("不能发出这种邀请", await refused.Content.ReadAsStringAsync());
    }
}
