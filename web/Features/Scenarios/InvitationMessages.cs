using Marketplace.Flows.Recommending;
using Marketplace.Web.Infrastructure;

namespace Marketplace.Web.Features.Scenarios;

/// <summary>
/// The officer's message after an invitation, in her language: how many people got the email, or who got none and why.
/// Never claims a send that did not happen.
/// </summary>
public static class InvitationMessages
{
    public static string Describe(InvitationOutcome outcome, string firmName, UiLabels l)
    {
        if (outcome.HeldBack.Count == 0) return l.Format("已邀请{0}：邀请邮件已发给 {1} 位联系人。", firmName, outcome.Sent);
        var heldBack = string.Join(l.Semicolon,
            outcome.HeldBack.Select(h => h.Address is null ? l.Message(h.Reason) : h.Address + l.Paren(l.Message(h.Reason))));
        return outcome.Sent > 0
            ? l.Format("已邀请{0}：邀请邮件已发给 {1} 位联系人；{2}。", firmName, outcome.Sent, heldBack)
            : l.Format("已记录对{0}的邀请（企业登录后可在“我的申报”中看到），但未发出邮件：{1}。", firmName, heldBack);
    }
}
