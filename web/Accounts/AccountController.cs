using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Accounts;

public sealed class LoginForm
{
    [Required(ErrorMessage = "请输入邮箱"), EmailAddress(ErrorMessage = "邮箱格式不正确"), Display(Name = "邮箱")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "请输入密码"), DataType(DataType.Password), Display(Name = "密码")]
    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}

[Route("account")]
public sealed class AccountController(UserStore users) : Controller
{
    [HttpGet("login")]
    public IActionResult Login(string? returnUrl) => View(new LoginForm { ReturnUrl = returnUrl });

    [HttpPost("login"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Login(LoginForm form, CancellationToken ct)
    {
        if (!ModelState.IsValid) return View(form);
        var user = await users.VerifyPasswordAsync(form.Email!, form.Password!, ct);
        if (user is null)
        {
            ModelState.AddModelError(string.Empty, "邮箱或密码不正确");
            return View(form);
        }
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

    [HttpGet("denied")]
    public IActionResult Denied() => View();
}
