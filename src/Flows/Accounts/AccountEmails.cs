using Marketplace.Notifications.Email;

namespace Marketplace.Flows.Accounts;

/// <summary>Account emails (verification, password reset, invitation): essential mail, Chinese with English, from template files.</summary>
public static class AccountEmails
{
    public static EmailMessage Verification(string dedupe, string to, string name, string link) =>
        EmailTemplates.Render("account-verification", new Dictionary<string, object?> { ["name"] = name, ["link"] = link }, dedupe, to);

    public static EmailMessage PasswordReset(string dedupe, string to, string name, string link) =>
        EmailTemplates.Render("account-reset", new Dictionary<string, object?> { ["name"] = name, ["link"] = link }, dedupe, to);

    public static EmailMessage Invitation(string dedupe, string to, string inviter, string roleName, string link) =>
        EmailTemplates.Render("account-invitation", new Dictionary<string, object?> { ["inviter"] = inviter, ["role"] = roleName, ["link"] = link }, dedupe, to);
}
