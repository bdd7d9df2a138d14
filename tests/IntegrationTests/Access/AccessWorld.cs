using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.Enterprises.Profiles;
using Marketplace.Enterprises.Qualifications;
using Marketplace.IntegrationTests.Support;
using Marketplace.Notifications.Preferences;
using Marketplace.Reporting.Monitoring;
using Marketplace.Scenarios.Attachments;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Scenarios.Reviews;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Marketplace.IntegrationTests.Access;

/// <summary>The people of the access table, each signed in once with their own cookie jar.</summary>
public sealed class AccessCast
{
    public required EnterpriseProfile FirmA { get; init; }
    public required EnterpriseProfile FirmB { get; init; }
    public required IReadOnlyDictionary<string, UserAccount> Users { get; init; }
    public Dictionary<string, HttpClient> Clients { get; } = [];

    /// <summary>Column order of the table: visitor, member of firm A, member of firm B, officer, reviewers assigned / not assigned / recused, admin.</summary>
    public static readonly string[] Roles = ["V", "A", "B", "O", "Ra", "Rn", "Rr", "Ad"];

    public static async Task<AccessCast> CreateAsync(MarketplaceApp app)
    {
        // Firm A registered in the home district (sees scenarios shared with partner regions), firm B elsewhere (public only).
        var firmA = await TestData.FirmAsync(app, "访问表甲科技有限公司", region: "通州区·宋庄镇");
        var firmB = await TestData.FirmAsync(app, "访问表乙科技有限公司", region: "朝阳区·望京街道");
        var store = app.Get<UserStore>();
        Task<UserAccount> Person(string email, string role, Guid? firm = null, string? department = null) =>
            store.EnsureAsync(email, "访问表" + role, TestData.Password, role, firm, department, default);
        var users = new Dictionary<string, UserAccount>
        {
            ["A"] = await TestData.MemberAsync(app, firmA, "access-a@firm.test"),
            ["B"] = await TestData.MemberAsync(app, firmB, "access-b@firm.test"),
            ["O"] = await TestData.OfficerAsync(app, "access-officer@gov.test"),
            ["Ra"] = await Person("access-ra@expert.test", Marketplace.Accounts.Roles.Reviewer),
            ["Rn"] = await Person("access-rn@expert.test", Marketplace.Accounts.Roles.Reviewer),
            ["Rr"] = await Person("access-rr@expert.test", Marketplace.Accounts.Roles.Reviewer),
            ["Ad"] = await Person("access-admin@gov.test", Marketplace.Accounts.Roles.Admin),
        };
        var cast = new AccessCast { FirmA = firmA, FirmB = firmB, Users = users };
        await cast.SignInAllAsync(app);
        return cast;
    }

    /// <summary>Signs every role in again (after a row that ends sessions, such as "sign out everywhere").</summary>
    public async Task SignInAllAsync(MarketplaceApp app)
    {
        Clients["V"] = await VisitorAsync(app);
        foreach (var (role, user) in Users) Clients[role] = await app.SignedInClientAsync(user.Email, TestData.Password);
    }

    /// <summary>A visitor has no account, but a browser still carries the antiforgery cookie and token of the page it came from.</summary>
    private static async Task<HttpClient> VisitorAsync(MarketplaceApp app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var antiforgery = await client.GetFromJsonAsync<JsonElement>("/api/v1/antiforgery");
        client.DefaultRequestHeaders.Add(antiforgery.GetProperty("header").GetString()!, antiforgery.GetProperty("token").GetString());
        return client;
    }
}

/// <summary>
/// The objects a row of the access table acts on, made through the product's own use cases and API and only when a row
/// asks for them. A state-changing row gets a fresh world, so no row depends on what an earlier one changed.
/// </summary>
public sealed class AccessWorld(MarketplaceApp app, AccessCast cast)
{
    private readonly Dictionary<string, string> _values = [];

    private HttpClient Officer => cast.Clients["O"];
    private UserAccount User(string role) => cast.Users[role];

    public async Task<string> ResolveAsync(string key)
    {
        if (_values.TryGetValue(key, out var known)) return known;
        var group = key.Split('.')[0];
        switch (group)
        {
            case "open": await OpenAsync(); break;
            case "partner": await PartnerAsync(); break;
            case "changed": await ChangedAsync(); break;
            case "draft": _values["draft"] = (await app.Get<CreateScenario>().HandleAsync(TestData.ScenarioCommand("访问表草稿场景"), default)).Value.ToString(); break;
            case "proposal":
                _values["proposal"] = (await app.Get<CreateScenario>().HandleAsync(TestData.ScenarioCommand("访问表企业出题"), default,
                    User("A").Id, cast.FirmA.Id)).Value.ToString();
                break;
            case "review": await ReviewAsync("review"); break;
            case "publicity": await PublicityAsync(); break;
            case "delivery": await DeliveryAsync(); break;
            case "consortium":
                // Firm B leads and names firm A as a member: only A may answer.
                var shared = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("访问表联合体场景"));
                _values["consortium"] = (await Created(await cast.Clients["B"].PostAsJsonAsync($"/api/v1/scenarios/{shared.Id}/applications",
                    TestData.Proposal("访问表乙牵头的联合体方案：设备与平台分工实施。", 150) with { ConsortiumMembers = [cast.FirmA.CreditCode] }))).ToString();
                break;
            case "token":
                _values["token"] = (await app.Get<Marketplace.Accounts.Api.ApiTokens>().CreateAsync(User("A").Id, "访问表脚本", 30, default)).Value.Id.ToString();
                break;
            case "claim":
                // Someone signed up claiming a code: pending until an officer decides.
                var claimant = await app.Get<UserStore>().EnsureAsync($"claimant-{Guid.NewGuid():N}@firm.test", "认领人", TestData.Password,
                    Marketplace.Accounts.Roles.Enterprise, null, null, default);
                var code = Marketplace.Enterprises.Profiles.CreditCode.Complete("91110112MA" + Random.Shared.Next(100000, 999999));
                var claimed = await app.Get<Marketplace.Flows.Accounts.FirmClaims>().ClaimAsync(claimant.Id,
                    new Marketplace.Flows.Accounts.FirmClaimCommand("访问表认领企业有限公司", code, "数字经济", "通州区·宋庄镇", "营业执照编号 123"), default);
                if (!claimed.IsSuccess) throw new InvalidOperationException("Claim refused: " + claimed.FirstError.Code);
                _values["claim"] = (await app.Get<Marketplace.Flows.Accounts.FirmClaims>().ListPendingAsync(default))
                    .Single(c => c.Claim.UserId == claimant.Id).Claim.Id.ToString();
                break;
            case "firmA": _values["firmA"] = cast.FirmA.Id.ToString(); break;
            case "firmB": _values["firmB"] = cast.FirmB.Id.ToString(); break;
            case "user": _values["user.Rn"] = User("Rn").Id.ToString(); _values["user.Ra"] = User("Ra").Id.ToString(); break;
            case "qualification":
                // A firm of its own per world: a verified declaration cannot be declared again.
                var declaring = await TestData.FirmAsync(app, "访问表资质申报企业");
                _values["qualification"] = (await app.Get<QualificationReview>().DeclareAsync(declaring.Id, User("A").Id,
                    new DeclareQualificationCommand("专精特新", "证书编号 ZJTX-2026-001", DateOnly.FromDateTime(DateTime.UtcNow.AddYears(2))), default)).Value.ToString();
                break;
            case "outbox":
                await using (var conn = new NpgsqlConnection(app.ConnectionString))
                    _values["outbox"] = (await conn.ExecuteScalarAsync<Guid?>("select id from outbox.messages order by created_at desc limit 1")
                                         ?? throw new InvalidOperationException("No outbox message yet.")).ToString();
                break;
            case "unsubscribe":
                var link = await app.Get<Unsubscribe>().LinkAsync(User("A").Email, "invitation", default);
                _values["unsubscribe"] = link[(link.LastIndexOf('/') + 1)..];
                break;
            case "period": _values["period"] = BeijingMonth(app.Clock.GetUtcNow()); break;
            case "stored":
                await app.Get<Reports>().RunMonthEndAsync(default);
                _values["stored"] = (await app.Get<Reports>().StoredAsync(default)).First().Period;
                break;
            case "target": _values["target"] = (await app.Get<MonitoringQueries>().TargetsAsync(default)).First().Key; break;
            case "day": _values["day"] = "2027-01-04"; break;
            default: throw new InvalidOperationException($"The access table names an unknown object '{key}'.");
        }
        return _values.TryGetValue(key, out var value) ? value : throw new InvalidOperationException($"No object '{key}' in group '{group}'.");
    }

    private static string BeijingMonth(DateTimeOffset now) => now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM");

    private static readonly byte[] Pdf = "%PDF-1.4\n% access table\n"u8.ToArray();

    /// <summary>A public scenario taking applications: firm A has applied, asked a question and attached a file; the officer attached one.</summary>
    private async Task OpenAsync()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("访问表公开场景"));
        _values["open"] = scenario.Id.ToString();
        _values["open.code"] = scenario.Code;
        var applied = await cast.Clients["A"].PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("访问表甲的技术方案：智能投放设备与督导平台，分期实施。", 120));
        var application = (await Created(applied)).ToString();
        _values["open.application"] = application;
        _values["open.question"] = (await app.Get<Questions>().AskAsync(scenario.Id, User("A").Id, "投放点是否已有供电条件？", default)).Value.ToString();
        var files = app.Get<AttachmentStore>();
        _values["open.file"] = (await files.AddAsync(new AttachmentUpload(new AttachmentOwner(scenario.Id, ApplicationId: Guid.Parse(application)),
            "方案.pdf", Pdf, User("A").Id), default)).Value.ToString();
        _values["open.scenarioFile"] = (await files.AddAsync(new AttachmentUpload(new AttachmentOwner(scenario.Id), "说明.pdf", Pdf, User("O").Id), default)).Value.ToString();
    }

    /// <summary>Firm A applied, then the officer changed the terms: A must reconfirm.</summary>
    private async Task ChangedAsync()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("访问表变更条款场景"));
        await Created(await cast.Clients["A"].PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
            TestData.Proposal("访问表甲的技术方案：智能投放设备与督导平台，分期实施。", 120)));
        Ensure(await Officer.PutAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/terms",
            new TermsDto(scenario.ClosesAt.AddDays(7), scenario.BudgetMaxWan + 20, [], 0, null, "截止时间顺延一周，预算上调。")), "change terms");
        _values["changed"] = scenario.Id.ToString();
    }

    /// <summary>A scenario shared only with partner regions (雄安新区) and the home district: firm B, outside both, must not see it.</summary>
    private async Task PartnerAsync()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("访问表协同区域场景") with
        {
            Visibility = ScenarioVisibility.Partners, PartnerRegions = ["雄安新区"],
        });
        _values["partner"] = scenario.Id.ToString();
        _values["partner.code"] = scenario.Code;
        _values["partner.scenarioFile"] = (await app.Get<AttachmentStore>().AddAsync(new AttachmentUpload(new AttachmentOwner(scenario.Id), "说明.pdf", Pdf,
            User("O").Id), default)).Value.ToString();
    }

    /// <summary>
    /// Firms A and B applied, the window closed and review began; reviewer Ra is assigned to A's application, reviewer Rr
    /// was assigned and declared a conflict, reviewer Rn was never assigned.
    /// </summary>
    private async Task<Guid> ReviewAsync(string name)
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand($"访问表评审场景{name}", app.Clock.GetUtcNow().AddMinutes(5)));
        var applications = new Dictionary<string, Guid>();
        foreach (var firm in new[] { "A", "B" })
            applications[firm] = await Created(await cast.Clients[firm].PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/applications",
                TestData.Proposal($"访问表{firm}的技术方案：智能投放设备、督导平台和收运联动。", 150)));
        await TestData.PassAsync(app, scenario.ClosesAt);
        await app.Get<CloseDueScenarios>().HandleAsync(default);
        await app.DrainOutboxAsync();
        Ensure(await Officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null), "start review");
        foreach (var reviewer in new[] { "Ra", "Rr" })
            Ensure(await Officer.PostAsJsonAsync($"/api/v1/applications/{applications["A"]}/reviewers", new AssignReviewerDto(User(reviewer).Id)), "assign " + reviewer);
        async Task<string> AssignmentOf(string reviewer) =>
            (await cast.Clients[reviewer].GetFromJsonAsync<List<Assignment>>("/api/v1/reviews"))!
            .Single(a => a.ApplicationId == applications["A"]).Id.ToString();
        _values[name] = scenario.Id.ToString();
        _values[$"{name}.applicationA"] = applications["A"].ToString();
        _values[$"{name}.applicationB"] = applications["B"].ToString();
        _values[$"{name}.assignmentRa"] = await AssignmentOf("Ra");
        _values[$"{name}.assignmentRr"] = await AssignmentOf("Rr");
        Ensure(await cast.Clients["Rr"].PostAsJsonAsync($"/api/v1/reviews/{_values[$"{name}.assignmentRr"]}/conflict", new ConflictDto("曾为该企业提供咨询")), "recuse");
        return scenario.Id;
    }

    /// <summary>Firm A proposed as the winner and publicised; firm B objected.</summary>
    private async Task PublicityAsync()
    {
        var scenario = await ReviewAsync("publicity");
        Ensure(await Officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario}/decision",
            new DecisionDto([Guid.Parse(_values["publicity.applicationA"])], "方案最完整，报价合理。")), "decide");
        var objection = await cast.Clients["B"].PostAsJsonAsync($"/api/v1/scenarios/{scenario}/objections",
            new ObjectionDto("访问表乙", "access-b@firm.test", "对评审打分过程有疑问，请说明技术方案得分依据。"));
        Ensure(objection, "object");
        _values["publicity.objection"] = (await objection.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("objectionId").GetString()!;
    }

    /// <summary>Firm A won, publicity passed without objection, delivery started: A's first milestone is due.</summary>
    private async Task DeliveryAsync()
    {
        var scenario = await ReviewAsync("delivery");
        Ensure(await Officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario}/decision",
            new DecisionDto([Guid.Parse(_values["delivery.applicationA"])], "方案最完整，报价合理。")), "decide");
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = @past where id = @id",
                new { id = scenario, past = app.Clock.GetUtcNow().AddMinutes(-1) });
        await app.Get<AwardProcess>().FinishPublicityAsync(default);
        Ensure(await Officer.PostAsync($"/api/v1/scenarios/{scenario}/delivery/start", null), "start delivery");
        var milestones = await cast.Clients["A"].GetFromJsonAsync<List<Milestone>>($"/api/v1/scenarios/{scenario}/milestones");
        _values["delivery.milestoneA"] = milestones!.OrderBy(m => m.Seq).First().Id.ToString();
    }

    private static async Task<Guid> Created(HttpResponseMessage response)
    {
        Ensure(response, "create");
        return (await response.Content.ReadFromJsonAsync<CreatedDto>())!.Id;
    }

    private static void Ensure(HttpResponseMessage response, string step)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Building the access table's world failed at '{step}': {(int)response.StatusCode} " +
                                                response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }
}
