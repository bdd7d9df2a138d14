using System.ComponentModel.DataAnnotations;
using Marketplace.Accounts;
using Marketplace.Accounts.Api;
using Marketplace.Accounts.Users;
using Marketplace.Enterprises.Profiles;
using Marketplace.Flows.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.RateLimiting;

namespace Marketplace.Web.Features.Accounts;

public sealed class LoginForm
{
    [Required(ErrorMessage = "请输入邮箱"), EmailAddress(ErrorMessage = "邮箱格式不正确"), Display(Name = "邮箱")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "请输入密码"), DataType(DataType.Password), Display(Name = "密码")]
    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}

public sealed class SignUpForm
{
    [Display(Name = "企业名称")] public string? FirmName { get; set; }
    [Display(Name = "统一社会信用代码")] public string? CreditCode { get; set; }
    [Display(Name = "所属行业")] public string? Industry { get; set; }
    [Display(Name = "注册地（如 通州区·宋庄镇）")] public string? Region { get; set; }
    [Display(Name = "您的姓名")] public string? DisplayName { get; set; }
    [Display(Name = "邮箱")] public string? Email { get; set; }
    [Display(Name = "密码（至少 10 位，含字母和数字）"), DataType(DataType.Password)] public string? Password { get; set; }
    [Display(Name = "核实材料说明（可选：营业执照注册号、可供核实的联系人及电话）")] public string? Evidence { get; set; }
}

public sealed class EmailForm
{
    [Required(ErrorMessage = "请输入邮箱"), EmailAddress(ErrorMessage = "邮箱格式不正确"), Display(Name = "邮箱")]
    public string? Email { get; set; }
}

public sealed class NewPasswordForm
{
    public string? Token { get; set; }
    [Display(Name = "姓名")] public string? DisplayName { get; set; }
    [Display(Name = "新密码（至少 10 位，含字母和数字）"), DataType(DataType.Password)] public string? Password { get; set; }
}

public sealed class ApiTokenForm
{
    [Display(Name = "令牌名称")] public string? Name { get; set; }
    [Display(Name = "有效期（天）")] public int? ExpiresInDays { get; set; } = 90;
}

/// <summary>The account page: who is signed in, and their API tokens (a new one's secret only in the answer that created it).</summary>
public sealed record AccountPage(UserAccount Account, IReadOnlyList<ApiTokenView> Tokens, IssuedApiToken? Issued, ApiTokenForm Form,
    int MaxTokens, int MaxLifetimeDays);

[Route("account")]
public sealed class AccountController(UserStore users, AccountFlows flows, ApiTokens tokens, IOptions<ApiTokenOptions> tokenOptions) : Controller
{
    [HttpGet(""), Authorize]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await PageAsync(null, new ApiTokenForm(), ct));

    /// <summary>Creates a token and shows its secret in this answer only (never stored, never redirected through a cookie).</summary>
    [HttpPost("tokens"), Authorize, ValidateAntiForgeryToken]
    public async Task<IActionResult> CreateToken(ApiTokenForm form, CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var result = await tokens.CreateAsync(User.UserId(), form.Name, form.ExpiresInDays, ct);
            if (result.IsSuccess)
            {
                Response.Headers.CacheControl = "no-store";
                return View(nameof(Index), await PageAsync(result.Value, new ApiTokenForm(), ct));
            }
            result.Errors.AddTo(ModelState, "Form.");
        }
        return View(nameof(Index), await PageAsync(null, form, ct));
    }

    /// <summary>Revokes one of the signed-in person's own tokens (another person's is "not found").</summary>
    [HttpPost("tokens/{id:guid}/revoke"), Authorize, ValidateAntiForgeryToken]
    public async Task<IActionResult> RevokeToken(Guid id, CancellationToken ct)
    {
        var result = await tokens.RevokeAsync(User.UserId(), id, ct);
        return this.Flash(result, _ => "令牌已撤销，使用它的脚本将无法再调用 API。", Redirect("/account"));
    }

    private async Task<AccountPage> PageAsync(IssuedApiToken? issued, ApiTokenForm form, CancellationToken ct)
    {
        var account = await users.GetAsync(User.UserId(), ct) ?? throw new InvalidOperationException("The signed-in account does not exist.");
        return new AccountPage(account, await tokens.ListAsync(account.Id, ct), issued, form, tokenOptions.Value.MaxPerUser, tokenOptions.Value.MaxLifetimeDays);
    }

    [HttpGet("login")]
    public IActionResult Login(string? returnUrl) => View(new LoginForm { ReturnUrl = returnUrl });

    [HttpPost("login"), ValidateAntiForgeryToken, EnableRateLimiting(SecuritySetup.LoginPolicy)]
    public async Task<IActionResult> Login(LoginForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return View(form);
        var result = await users.SignInAsync(form.Email!, form.Password!, ct);
        switch (result.Outcome)
        {
            case SignInOutcome.LockedOut:
                ModelState.AddModelError(string.Empty, $"连续输错密码次数过多，账号已锁定至 {Marketplace.Web.Infrastructure.Labels.Time(result.LockedUntil!.Value)}（北京时间），可通过“忘记密码”重置");
                return View(form);
            case SignInOutcome.EmailNotVerified:
                ModelState.AddModelError(string.Empty, "请先打开注册邮件中的链接验证邮箱");
                return View(form);
            case SignInOutcome.InvalidCredentials:
                ModelState.AddModelError(string.Empty, "邮箱或密码不正确");
                return View(form);
        }
        var user = result.User!;
        // Signing in issues a fresh cookie, so a session identifier planted before login is worthless.
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthSetup.ToPrincipal(user));
        if (Url.IsLocalUrl(form.ReturnUrl)) return LocalRedirect(form.ReturnUrl);
        return user.Role switch
        {
            Roles.Officer or Roles.Admin => RedirectToAction("Index", "Officer"),
            Roles.Enterprise => RedirectToAction("Index", "Firm"),
            _ => RedirectToAction("Index", "Scenarios"),
        };
    }

    [HttpPost("logout"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Logout()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToAction("Index", "Home");
    }

    /// <summary>Ends every session of this account, on every device (the security stamp changes).</summary>
    [HttpPost("logout-everywhere"), Authorize, ValidateAntiForgeryToken]
    public async Task<IActionResult> LogoutEverywhere(CancellationToken ct)
    {
        await users.RotateSecurityStampAsync(User.UserId(), ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToAction("Index", "Home");
    }

    [HttpGet("denied")]
    public IActionResult Denied() => View();

    [HttpGet("signup")]
    public IActionResult SignUp() => View(new SignUpForm { Industry = DirectoryLists.Industries[0] });

    [HttpPost("signup"), ValidateAntiForgeryToken, EnableRateLimiting(SecuritySetup.LoginPolicy)]
    public async Task<IActionResult> SignUp(SignUpForm form, CancellationToken ct)
    {
        var result = await flows.SignUpAsync(new SignUpCommand(form.Email, form.Password, form.DisplayName, form.FirmName,
            form.CreditCode, form.Industry, form.Region, form.Evidence), ct);
        if (!result.IsSuccess)
        {
            result.Errors.AddTo(ModelState);
            form.Password = null;
            return View(form);
        }
        return View("Message", ("请查收验证邮件", $"我们已向 {form.Email} 发送验证邮件，打开其中的链接即可登录。" +
            "平台工作人员核实您与该企业的关系后，账号才能以企业身份揭榜申报。"));
    }

    [HttpGet("verify")]
    public async Task<IActionResult> Verify(string? token, CancellationToken ct)
    {
        var result = await flows.VerifyEmailAsync(token, ct);
        return View("Message", result.IsSuccess ? ("邮箱已验证", "现在可以登录了。") : ("无法验证", result.FirstError.Message));
    }

    [HttpGet("forgot")]
    public IActionResult Forgot() => View(new EmailForm());

    [HttpPost("forgot"), ValidateAntiForgeryToken, EnableRateLimiting(SecuritySetup.LoginPolicy)]
    public async Task<IActionResult> Forgot(EmailForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return View(form);
        await flows.RequestPasswordResetAsync(form.Email, ct);
        return View("Message", ("请查收邮件", "如果该邮箱已注册，您会收到重置密码的链接（1 小时内有效）。"));
    }

    [HttpGet("reset")]
    public IActionResult Reset(string? token) => View(new NewPasswordForm { Token = token });

    [HttpPost("reset"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Reset(NewPasswordForm form, CancellationToken ct)
    {
        var result = await flows.ResetPasswordAsync(form.Token, form.Password, ct);
        if (result.IsSuccess) return View("Message", ("密码已重置", "请用新密码登录。"));
        result.Errors.AddTo(ModelState);
        return View(form);
    }

    [HttpGet("accept")]
    public async Task<IActionResult> Accept(string? token, CancellationToken ct)
    {
        var invitation = await flows.FindInvitationAsync(token, ct);
        if (invitation is null) return View("Message", ("邀请无效", "邀请链接无效、已使用或已过期。"));
        ViewBag.Invitation = invitation;
        return View(new NewPasswordForm { Token = token });
    }

    [HttpPost("accept"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Accept(NewPasswordForm form, CancellationToken ct)
    {
        var result = await flows.AcceptInvitationAsync(form.Token, form.DisplayName, form.Password, ct);
        if (result.IsSuccess) return View("Message", ("账号已开通", "请用邮箱和刚设置的密码登录。"));
        result.Errors.AddTo(ModelState);
        ViewBag.Invitation = await flows.FindInvitationAsync(form.Token, ct);
        if (ViewBag.Invitation is null) return View("Message", ("邀请无效", result.FirstError.Message));
        return View(form);
    }
}
