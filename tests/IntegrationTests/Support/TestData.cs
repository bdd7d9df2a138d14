using System.Net.Http.Json;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Listings;

namespace Marketplace.IntegrationTests.Support;

/// <summary>Readable test data: firms, people and scenarios made through the product's own stores and use cases.</summary>
public static class TestData
{
    public const string Team = "项目负责人张工，核心成员五人，均有同类项目经验。";
    public const string Schedule = "第一个月完成设计，第二至三个月部署并试运行。";

    /// <summary>A complete proposal with team, schedule and both declarations; only the approach and quote vary.</summary>
    public static Marketplace.Web.Features.Scenarios.SubmitApplicationDto Proposal(string approach, decimal quote) =>
        new(approach, quote, Team, Schedule, DeclaredTruthful: true, DeclaredNoDoubleFunding: true);

    public const string Password = "Test@2026!";
    private static int _sequence;

    public static async Task<EnterpriseProfile> FirmAsync(MarketplaceApp app, string name = "北京测试物联科技有限公司",
        string region = "通州区·宋庄镇", string[]? qualifications = null, decimal capital = 1000,
        string[]? technologies = null, string description = "提供社区物联感知、智能垃圾分类投放设备和视频识别服务。")
    {
        var n = Interlocked.Increment(ref _sequence);
        var code = CreditCode.Complete("91110112" + $"MA{n:000000}");
        var firm = new EnterpriseProfile(Guid.CreateVersion7(), $"{name}{n}", code, "数字经济", region,
            qualifications ?? ["高新技术企业"], capital, 120, technologies ?? ["物联网", "计算机视觉"], description, [], null, PublicCard: true);
        var id = await app.Get<EnterpriseStore>().UpsertAsync(firm, DateTimeOffset.UtcNow, default);
        return firm with { Id = id };
    }

    public static Task<UserAccount> MemberAsync(MarketplaceApp app, EnterpriseProfile firm, string? email = null) =>
        app.Get<UserStore>().EnsureAsync(email ?? $"member{Interlocked.Increment(ref _sequence)}@firm.test", "企业联系人", Password, Roles.Enterprise, firm.Id, null, default);

    public static Task<UserAccount> OfficerAsync(MarketplaceApp app, string? email = null) =>
        app.Get<UserStore>().EnsureAsync(email ?? $"officer{Interlocked.Increment(ref _sequence)}@gov.test", "测试处长", Password, Roles.Officer, null, "区科委", default);

    public static CreateScenarioCommand ScenarioCommand(string title = "老旧小区智能垃圾分类投放改造", DateTimeOffset? closesAt = null,
        string[]? qualifications = null, decimal minCapital = 0) => new(
        title, "在老旧小区改造智能投放点，实现满溢预警和督导提醒。",
        "镇域内老旧小区厨余垃圾分出率偏低，夜间无人督导，希望改造智能投放点，配置满溢检测和视频识别设备，设备安装简单、维护方便。",
        ScenarioCategory.SmartCity, "数字化社区", "宋庄镇", ["物联网", "计算机视觉"], "区科委", 50, 300, ScenarioMode.Single, 1,
        null, closesAt ?? DateTimeOffset.UtcNow.AddDays(60), qualifications ?? [], minCapital);

    /// <summary>Drafts and publishes a scenario through the use cases, and waits until the index has it.</summary>
    public static async Task<Scenario> PublishedScenarioAsync(MarketplaceApp app, CreateScenarioCommand? command = null)
    {
        var id = (await app.Get<CreateScenario>().HandleAsync(command ?? ScenarioCommand(), default)).Value;
        var published = (await app.Get<PublishScenario>().HandleAsync(id, default)).Value;
        await app.DrainOutboxAsync();
        return published;
    }

    /// <summary>
    /// A scenario that took <paramref name="firms"/> applications and has closed (deadline passed, closing and the
    /// eligibility check done): the common start of review, award and delivery tests.
    /// </summary>
    public static async Task<(Scenario Scenario, (Guid Application, HttpClient Firm)[] Applicants)> ClosedWithApplicationsAsync(
        MarketplaceApp app, CreateScenarioCommand command, int firms)
    {
        // Firms and sign-ins first, so the deadline only has to leave room for the submissions themselves.
        var clients = new List<HttpClient>();
        for (var i = 0; i < firms; i++)
            clients.Add(await app.SignedInClientAsync((await MemberAsync(app, await FirmAsync(app))).Email, Password));
        var scenario = await PublishedScenarioAsync(app, command with { ClosesAt = app.Clock.GetUtcNow().AddHours(1) });
        var applicants = new List<(Guid, HttpClient)>();
        foreach (var (client, i) in clients.Select((c, i) => (c, i)))
        {
            var response = await client.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
                TestData.Proposal($"第 {i} 家企业的技术方案：智能投放设备、督导平台和收运联动，分期实施。", 100 + i));
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Application {i} refused: {await response.Content.ReadAsStringAsync()}");
            applicants.Add(((await response.ReadAsync<Marketplace.Web.Features.Scenarios.CreatedDto>()).Id, client));
        }
        await PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();
        return (scenario, applicants.ToArray());
    }

    /// <summary>Moves the application's clock just past a moment (a deadline) instead of waiting for it.</summary>
    public static Task PassAsync(MarketplaceApp app, DateTimeOffset moment)
    {
        app.Clock.Pass(moment);
        return Task.CompletedTask;
    }

    /// <summary>Follows the confirmation link emailed to <paramref name="email"/>: opens the page, presses its button.</summary>
    public static async Task<HttpResponseMessage> ConfirmObjectionAsync(MarketplaceApp app, string email)
    {
        await app.DrainOutboxAsync();
        var mail = await app.Smtp.WaitForAsync(m => m.To.Mailboxes.Any(b => b.Address.Equals(email, StringComparison.OrdinalIgnoreCase))
                                                     && (m.Subject ?? "").Contains("请确认您的异议"));
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", "http://marketplace\\.test(/objections/confirm\\?token=[A-Za-z0-9_%-]+)").Groups[1].Value;
        // The page shows its button only while the link works; the antiforgery token of any page serves to post it anyway.
        var client = app.FormClient();
        var page = await (await client.GetAsync(link)).Content.ReadAsStringAsync();
        if (!page.Contains("__RequestVerificationToken")) page = await client.GetStringAsync("/account/login");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/objections/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = Uri.UnescapeDataString(link[(link.IndexOf('=') + 1)..]), ["__RequestVerificationToken"] = antiforgery,
        }));
        await app.DrainOutboxAsync();
        return response;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<T>();
        return body ?? throw new InvalidOperationException("Empty response body.");
    }
}
