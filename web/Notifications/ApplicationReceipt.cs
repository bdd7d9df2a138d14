using System.Net;
using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Accounts;
using Marketplace.Web.Search;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>
/// After a firm applies: a receipt to the person who submitted (Chinese with English), and the firm's index entry
/// refreshed so its new track record counts in matching.
/// </summary>
public sealed class ApplicationReceipt(
    UserStore users, ScenarioStore scenarios, EnterpriseStore enterprises, SearchIndexer indexer, TimeProvider clock,
    ILogger<ApplicationReceipt> logger) : IOutboxHandler
{
    public string Type => ScenarioEvents.ApplicationSubmittedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ApplicationSubmitted>(message.Payload, OutboxWriter.Json)!;
        await indexer.IndexEnterpriseAsync(e.EnterpriseId, ct);
        var user = await users.GetAsync(e.SubmittedBy, ct);
        if (user is null)
        {
            // Nobody to tell (the account is gone): retrying would not change that.
            logger.LogWarning("No receipt for application {Application}: user {User} not found", e.ApplicationId, e.SubmittedBy);
            return;
        }
        var scenario = await scenarios.GetAsync(e.ScenarioId, ct) ?? throw new InvalidOperationException($"Scenario {e.ScenarioId} not found.");
        var firm = await enterprises.GetAsync(e.EnterpriseId, ct) ?? throw new InvalidOperationException($"Enterprise {e.EnterpriseId} not found.");

        await OutboxEnqueue.EmailAsync(connection, transaction, Render(message.DedupeKey, user, scenario, firm.Name), clock.GetUtcNow(), ct);
    }

    internal static EmailMessage Render(string eventKey, UserAccount to, Scenario scenario, string firmName)
    {
        var subject = $"申报回执：{scenario.Title} / Application received";
        var text = $"""
            {to.DisplayName}，您好：

            {firmName} 对场景「{scenario.Title}」（{scenario.Code}）的揭榜申报已提交成功。
            申报截止前您可以随时修改或撤回；截止前任何其他人（包括其他企业）都无法查看申报内容。
            截止时间：{scenario.ClosesAt.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm}（北京时间）

            Hello {to.DisplayName},
            the application of {firmName} to "{scenario.Title}" ({scenario.Code}) has been received.
            You may edit or withdraw it until the deadline; until then nobody else can read it.

            应用场景供需对接平台 / Scenario Marketplace
            """;
        string H(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html><html lang="zh-CN"><body style="font-family:sans-serif;line-height:1.6">
            <p>{H(to.DisplayName)}，您好：</p>
            <p><strong>{H(firmName)}</strong> 对场景「{H(scenario.Title)}」（{H(scenario.Code)}）的揭榜申报已提交成功。</p>
            <p>申报截止前您可以随时修改或撤回；截止前任何其他人（包括其他企业）都无法查看申报内容。<br>
            截止时间：{scenario.ClosesAt.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm}（北京时间）</p>
            <hr><p lang="en">Hello {H(to.DisplayName)}, the application of {H(firmName)} to “{H(scenario.Title)}” ({H(scenario.Code)})
            has been received. You may edit or withdraw it until the deadline; until then nobody else can read it.</p>
            <p style="color:#666">应用场景供需对接平台 / Scenario Marketplace</p></body></html>
            """;
        return new EmailMessage($"{eventKey}:{to.Email.ToLowerInvariant()}", to.Email, subject, text, html);
    }
}
