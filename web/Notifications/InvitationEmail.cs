using System.Net;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Listings;

namespace Marketplace.Web.Notifications;

/// <summary>The invitation an officer sends to a recommended firm, with the matcher's reasons.</summary>
public static class InvitationEmail
{
    public static EmailMessage Render(Scenario s, string firmName, IReadOnlyList<string> reasons, string to)
    {
        var subject = $"揭榜邀请：{s.Title} / Invitation to apply";
        var reasonLines = string.Join("\n", reasons.Select(r => "  · " + r));
        var text = $"""
            {firmName}：

            区级部门邀请贵单位参与应用场景「{s.Title}」（{s.Code}）的揭榜。
            {s.Summary}
            申报截止：{Labels.Time(s.ClosesAt)}（北京时间）

            推荐理由：
            {reasonLines}

            {firmName}: you are invited to apply to the scenario "{s.Title}" ({s.Code}). Deadline {Labels.Time(s.ClosesAt)} (Beijing time).

            应用场景供需对接平台 / Scenario Marketplace
            """;
        string H(string v) => WebUtility.HtmlEncode(v);
        var html = $"""
            <!doctype html><html lang="zh-CN"><body style="font-family:sans-serif;line-height:1.6">
            <p>{H(firmName)}：</p>
            <p>区级部门邀请贵单位参与应用场景「<strong>{H(s.Title)}</strong>」（{H(s.Code)}）的揭榜。</p>
            <p>{H(s.Summary)}</p><p>申报截止：{Labels.Time(s.ClosesAt)}（北京时间）</p>
            <p>推荐理由：</p><ul>{string.Concat(reasons.Select(r => $"<li>{H(r)}</li>"))}</ul>
            <hr><p lang="en">{H(firmName)}: you are invited to apply to “{H(s.Title)}” ({H(s.Code)}). Deadline {Labels.Time(s.ClosesAt)} (Beijing time).</p>
            <p style="color:#666">应用场景供需对接平台 / Scenario Marketplace</p></body></html>
            """;
        return new EmailMessage($"matching.invitation.v1:{s.Id}:{to}", to, subject, text, html);
    }
}
