using System.Net;
using System.Text.Json;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Accounts;
using Marketplace.Web.Listings;
using Marketplace.Web.Search;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>A scenario closed: check its applications' eligibility again with today's firm facts, and update the index.</summary>
public sealed class EligibilityAtClose(CheckEligibilityAtClose check, EnterpriseStore enterprises, SearchIndexer indexer) : IOutboxHandler
{
    public string Type => ScenarioEvents.ScenarioClosedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ScenarioClosed>(message.Payload, OutboxWriter.Json)!;
        var result = await check.HandleAsync(e.ScenarioId, async id =>
            await enterprises.GetAsync(id, ct) is { } firm ? Applicants.ToFacts(firm) : null, ct);
        if (!result.IsSuccess && result.FirstError.Code != "scenario_not_closed")
            throw new InvalidOperationException($"Eligibility at close failed: {result.FirstError.Code}");
        await indexer.IndexScenarioAsync(e.ScenarioId, ct);
    }
}

/// <summary>The receipt for a withdrawal, to the person who withdrew.</summary>
public sealed class WithdrawalReceipt(UserStore users, ScenarioStore scenarios, TimeProvider clock) : IOutboxHandler
{
    public string Type => ScenarioEvents.ApplicationWithdrawnV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<ApplicationWithdrawn>(message.Payload, OutboxWriter.Json)!;
        var user = await users.GetAsync(e.WithdrawnBy, ct) ?? throw new InvalidOperationException($"User {e.WithdrawnBy} not found.");
        var scenario = await scenarios.GetAsync(e.ScenarioId, ct) ?? throw new InvalidOperationException($"Scenario {e.ScenarioId} not found.");
        string H(string s) => WebUtility.HtmlEncode(s);
        var text = $"{user.DisplayName}，您好：\n\n贵单位对场景「{scenario.Title}」（{scenario.Code}）的申报已撤回。截止时间（{Labels.Time(scenario.ClosesAt)}）前仍可重新提交。\n\n" +
                   $"Your application to \"{scenario.Title}\" has been withdrawn. You may submit again before the deadline.\n\n应用场景供需对接平台 / Scenario Marketplace";
        var html = $"<!doctype html><html lang=\"zh-CN\"><body style=\"font-family:sans-serif\"><p>{H(user.DisplayName)}，您好：</p>" +
                   $"<p>贵单位对场景「{H(scenario.Title)}」（{H(scenario.Code)}）的申报已撤回。截止时间（{Labels.Time(scenario.ClosesAt)}）前仍可重新提交。</p>" +
                   $"<hr><p lang=\"en\">Your application to “{H(scenario.Title)}” has been withdrawn. You may submit again before the deadline.</p></body></html>";
        await OutboxEnqueue.EmailAsync(connection, transaction,
            new EmailMessage($"{message.DedupeKey}:{user.Email.ToLowerInvariant()}", user.Email, $"撤回回执：{scenario.Title} / Application withdrawn", text, html),
            clock.GetUtcNow(), ct);
    }
}

/// <summary>Changed terms: every applicant is told what changed and asked to confirm again before the deadline.</summary>
public sealed class TermsChangedNotice(UserStore users, ScenarioStore scenarios, TimeProvider clock) : IOutboxHandler
{
    public string Type => ScenarioEvents.TermsChangedV1;

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var e = JsonSerializer.Deserialize<TermsChanged>(message.Payload, OutboxWriter.Json)!;
        var scenario = await scenarios.GetAsync(e.ScenarioId, ct) ?? throw new InvalidOperationException($"Scenario {e.ScenarioId} not found.");
        string H(string s) => WebUtility.HtmlEncode(s);
        foreach (var userId in e.ApplicantUserIds)
        {
            if (await users.GetAsync(userId, ct) is not { } user) continue;
            var text = $"{user.DisplayName}，您好：\n\n场景「{scenario.Title}」（{scenario.Code}）的条款已变更：{e.Note}\n" +
                       $"请在截止时间（{Labels.Time(scenario.ClosesAt)}）前登录平台，在场景页面确认申报；未确认的申报将不能进入评审。\n\n" +
                       $"The terms of \"{scenario.Title}\" have changed: {e.Note}. Please confirm your application on the scenario page before the deadline.\n\n应用场景供需对接平台 / Scenario Marketplace";
            var html = $"<!doctype html><html lang=\"zh-CN\"><body style=\"font-family:sans-serif\"><p>{H(user.DisplayName)}，您好：</p>" +
                       $"<p>场景「{H(scenario.Title)}」（{H(scenario.Code)}）的条款已变更：{H(e.Note)}</p>" +
                       $"<p>请在截止时间（{Labels.Time(scenario.ClosesAt)}）前在场景页面确认申报；未确认的申报将不能进入评审。</p>" +
                       $"<hr><p lang=\"en\">The terms of “{H(scenario.Title)}” have changed. Please confirm your application before the deadline.</p></body></html>";
            await OutboxEnqueue.EmailAsync(connection, transaction,
                new EmailMessage($"{message.DedupeKey}:{user.Email.ToLowerInvariant()}", user.Email, $"条款变更，请确认申报：{scenario.Title} / Terms changed", text, html),
                clock.GetUtcNow(), ct);
        }
    }
}
