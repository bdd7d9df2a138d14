using System.Net;
using Marketplace.Web.Notifications;

namespace Marketplace.Web.Accounts;

/// <summary>Section <c>Site</c>: where links in emails point.</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";
    public string BaseUrl { get; set; } = "http://127.0.0.1:5080";
}

/// <summary>Account emails (verification, password reset, invitation): essential mail, Chinese with English.</summary>
public static class AccountEmails
{
    public static EmailMessage Verification(string dedupe, string to, string name, string link) => Render(dedupe, to,
        "请验证您的邮箱 / Verify your email",
        $"{name}，您好：\n\n请打开以下链接完成邮箱验证（24 小时内有效）：\n{link}\n\nPlease open the link above within 24 hours to verify your email address.",
        name, "请点击下方按钮完成邮箱验证（24 小时内有效）。", "验证邮箱 / Verify", link, "Please verify your email address within 24 hours.");

    public static EmailMessage PasswordReset(string dedupe, string to, string name, string link) => Render(dedupe, to,
        "重置密码 / Reset your password",
        $"{name}，您好：\n\n我们收到了重置密码的请求。如是您本人操作，请在 1 小时内打开：\n{link}\n如非本人操作，请忽略本邮件。\n\nSomeone asked to reset your password. If it was you, open the link within one hour; otherwise ignore this email.",
        name, "我们收到了重置密码的请求。如是您本人操作，请在 1 小时内点击下方按钮；如非本人操作，请忽略本邮件。", "重置密码 / Reset", link,
        "Someone asked to reset your password. If it was you, use the button within one hour; otherwise ignore this email.");

    public static EmailMessage Invitation(string dedupe, string to, string inviter, string roleName, string link) => Render(dedupe, to,
        $"邀请您加入应用场景供需对接平台（{roleName}） / Invitation",
        $"您好：\n\n{inviter} 邀请您以“{roleName}”身份加入应用场景供需对接平台。请在 7 天内打开以下链接设置姓名和密码：\n{link}\n\n{inviter} invited you to join Scenario Marketplace. Open the link within 7 days to set your name and password.",
        "您好", $"{inviter} 邀请您以“{roleName}”身份加入平台，请在 7 天内点击下方按钮设置姓名和密码。", "接受邀请 / Accept", link,
        $"{inviter} invited you to join Scenario Marketplace. Use the button within 7 days to set your name and password.");

    private static EmailMessage Render(string dedupe, string to, string subject, string text, string greetingName, string zh, string button, string link, string en)
    {
        string H(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html><html lang="zh-CN"><body style="font-family:sans-serif;line-height:1.6">
            <p>{H(greetingName)}，</p><p>{H(zh)}</p>
            <p><a href="{H(link)}" style="background:#b3261e;color:#fff;padding:8px 16px;border-radius:6px;text-decoration:none">{H(button)}</a></p>
            <p style="color:#666">{H(link)}</p><hr><p lang="en">{H(en)}</p>
            <p style="color:#666">应用场景供需对接平台 / Scenario Marketplace</p></body></html>
            """;
        return new EmailMessage(dedupe, to, subject, text + "\n\n应用场景供需对接平台 / Scenario Marketplace", html);
    }
}
