using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Marketplace.IntegrationTests.Access;

/// <summary>The app for the access table: sessions outlive the clock moves that close the table's review windows.</summary>
public sealed class AccessTableApp : MarketplaceApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Security:AbsoluteSessionLifetime", "3650.00:00:00");
        // Firm A applies in every world the table builds; the cap on open applications is tested elsewhere.
        builder.UseSetting("Applications:MaxOpenPerFirm", "100000");
    }
}

public enum BodyKind { None, Json, Form, Multipart }

/// <summary>
/// One row of the access table: an endpoint, the objects its route names (<c>param=object</c>, with <c>Role:param=object</c>
/// where a role acts on its own object), a request body, and one expected outcome per role in <see cref="AccessCast.Roles"/>
/// order: <c>+</c> allowed, <c>-</c> denied (401, 403, 404, or the login/denied page), <c>r</c> refused by a business
/// rule (400, 409, 422), or an exact status.
/// </summary>
public sealed record AccessRow(string Endpoint, string Cells, string Objects = "", string? Body = null, BodyKind Kind = BodyKind.None,
    string? Query = null, bool EndsSessions = false)
{
    public string Method => Endpoint.Split(' ')[0];
    public string Pattern => Endpoint.Split(' ')[1];
    public string[] Expected => Cells.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => Objects.Length == 0 ? Endpoint : $"{Endpoint} ({Objects})";
}

/// <summary>
/// Access control, proven route by route: every endpoint of the app's route table × every role × own and others'
/// objects, each cell with its expected outcome. The table is checked against the route table both ways, so a new
/// endpoint without a row (or a row for an endpoint that is gone) fails here.
/// </summary>
public sealed partial class AccessTableTests(AccessTableApp app, ITestOutputHelper output) : IClassFixture<AccessTableApp>
{
    private const string Json = "application/json";

    // Columns:                                                                      V A B O Ra Rn Rr Ad
    public static readonly AccessRow[] Table =
    [
        // Public pages and feeds
        new("GET /", "+ + + + + + + +"),
        new("GET /language", "+ + + + + + + +"),
        new("POST /language", "+ + + + + + + +", Body: "culture=en-US&returnUrl=/", Kind: BodyKind.Form),
        new("GET /error/{status:int}", "404 404 404 404 404 404 404 404", "status=404"),
        new("GET /scenarios", "+ + + + + + + +"),
        new("GET /scenarios/{id:guid}", "+ + + + + + + +", "id=open"),
        new("GET /scenarios/{id:guid}", "- + - + - - - +", "id=partner"),
        new("GET /scenarios/{id:guid}", "- - - + - - - +", "id=draft"),
        new("GET /capabilities", "+ + + + + + + +"),
        new("GET /capabilities/{id:guid}", "+ + + + + + + +", "id=firmA"),
        new("GET /open-data", "+ + + + + + + +"),
        new("GET /open-data/scenarios.json", "+ + + + + + + +"),
        new("GET /open-data/scenarios.csv", "+ + + + + + + +"),
        new("GET /open-data/ocds/{code}.json", "+ + + + + + + +", "code=open.code"),
        new("GET /open-data/ocds/{code}.json", "- - - - - - - -", "code=partner.code"),
        new("GET /feeds/scenarios.atom", "+ + + + + + + +"),
        new("GET /feeds/deadlines.ics", "+ + + + + + + +"),
        new("GET /files/{id:guid}", "+ + + + + + + +", "id=open.scenarioFile"),
        new("GET /files/{id:guid}", "- + - + - - - +", "id=partner.scenarioFile"),
        // A sealed application's file: only its firm until the deadline, staff included.
        new("GET /files/{id:guid}", "- + - - - - - -", "id=open.file"),
        new("POST /files/{id:guid}/delete", "- + - - - - - -", "id=open.file", Kind: BodyKind.Form),
        new("GET /health/live", "+ + + + + + + +"),
        new("GET /health/ready", "+ + + + + + + +"),
        new("GET /metrics", "- - - - - - - +"),
        new("GET /openapi/{documentName}.json", "+ + + + + + + +", "documentName=v1"),
        new("GET /api/docs/{documentName?}", "+ + + + + + + +", "documentName="),
        new("GET /api/docs/scalar.js", "+ + + + + + + +"),
        new("GET /api/docs/scalar.aspnetcore.js", "+ + + + + + + +"),
        new("GET /api/docs/favicon.svg", "+ + + + + + + +"),

        // Accounts
        new("GET /account/login", "+ + + + + + + +"),
        new("POST /account/login", "+ + + + + + + +", Body: "Email=nobody@example.test&Password=wrong", Kind: BodyKind.Form),
        new("POST /account/logout", "+ + + + + + + +", Kind: BodyKind.Form, EndsSessions: true),
        new("POST /account/logout-everywhere", "- + + + + + + +", Kind: BodyKind.Form, EndsSessions: true),
        new("GET /account/denied", "+ + + + + + + +"),
        new("GET /account/signup", "+ + + + + + + +"),
        new("POST /account/signup", "+ + + + + + + +", Body: "Email=&Password=", Kind: BodyKind.Form),
        new("GET /account/verify", "+ + + + + + + +", Query: "token=not-a-token"),
        new("GET /account/forgot", "+ + + + + + + +"),
        new("POST /account/forgot", "+ + + + + + + +", Body: "Email=nobody@example.test", Kind: BodyKind.Form),
        new("GET /account/reset", "+ + + + + + + +", Query: "token=not-a-token"),
        new("POST /account/reset", "+ + + + + + + +", Body: "Token=not-a-token&Password=Another@2026!&Confirm=Another@2026!", Kind: BodyKind.Form),
        new("GET /account/accept", "+ + + + + + + +", Query: "token=not-a-token"),
        new("POST /account/accept", "+ + + + + + + +", Body: "Token=not-a-token&Password=Another@2026!&Confirm=Another@2026!", Kind: BodyKind.Form),
        new("GET /account/preferences", "- + + + + + + +"),
        new("POST /account/preferences", "- + + + + + + +", Body: "on=invitation", Kind: BodyKind.Form),
        new("GET /account/follows", "- + + + + + + +"),
        new("POST /account/follows", "- + + + + + + +", Body: "kind=domain&value=数字化社区", Kind: BodyKind.Form),
        new("POST /account/follows/remove", "- + + + + + + +", Body: "kind=domain&value=数字化社区", Kind: BodyKind.Form),
        new("POST /account/follows/frequency", "- + + + + + + +", Body: "frequency=daily", Kind: BodyKind.Form),
        new("GET /account", "- + + + + + + +"),
        new("POST /account/tokens", "- + + + + + + +", Body: "Name=访问表脚本&ExpiresInDays=30", Kind: BodyKind.Form),
        new("POST /account/tokens/{id:guid}/revoke", "- + - - - - - -", "id=token", Kind: BodyKind.Form),
        new("GET /account/claim", "- + + + + + + +"),
        new("POST /account/claim", "- + + + + + + +", Body: "FirmName=&CreditCode=", Kind: BodyKind.Form),
        new("GET /api/v1/me/firm-claims", "- + + + + + + +"),
        new("POST /api/v1/me/firm-claims", "- + + - - - - -", Body: """{"firmName":"","creditCode":""}""", Kind: BodyKind.Json),
        new("GET /officer/firm-claims", "- - - + - - - +"),
        new("POST /officer/firm-claims/{id:guid}/decision", "- - - + - - - +", "id=claim", "decision=reject&reason=无法核实营业执照", BodyKind.Form),
        new("GET /api/v1/firm-claims", "- - - + - - - +"),
        new("POST /api/v1/firm-claims/{id:guid}/decision", "- - - + - - - +", "id=claim", """{"approve":false,"reason":"无法核实营业执照"}""", BodyKind.Json),
        new("GET /objections/confirm", "404 404 404 404 404 404 404 404", Query: "token=not-a-token"),
        new("POST /objections/confirm", "404 404 404 404 404 404 404 404", Body: "token=not-a-token", Kind: BodyKind.Form),
        new("GET /unsubscribe/{token}", "+ + + + + + + +", "token=unsubscribe"),
        new("POST /unsubscribe/{token}", "+ + + + + + + +", "token=unsubscribe"),

        // Scenario pages
        new("GET /scenarios/{id:guid}/apply", "- + + - - - - -", "id=open"),
        new("GET /scenarios/{id:guid}/apply", "- + - - - - - -", "id=partner"),
        new("POST /scenarios/{id:guid}/apply", "- + + - - - - -", "id=open", "Approach=方案&QuotedBudgetWan=100", BodyKind.Form),
        new("POST /scenarios/{id:guid}/apply", "- + - - - - - -", "id=partner", "Approach=方案&QuotedBudgetWan=100", BodyKind.Form),
        new("GET /scenarios/{id:guid}/withdraw", "- + - - - - - -", "id=open"),
        new("POST /scenarios/{id:guid}/withdraw", "- + - - - - - -", "id=open", Kind: BodyKind.Form),
        new("POST /scenarios/{id:guid}/questions", "- + + - - - - -", "id=open", "question=是否提供供电？", BodyKind.Form),
        new("POST /scenarios/{id:guid}/questions", "- + - - - - - -", "id=partner", "question=是否提供供电？", BodyKind.Form),
        new("POST /scenarios/{id:guid}/questions/{questionId:guid}/answer", "- - - + - - - +", "id=open; questionId=open.question", "answer=已具备供电条件。", BodyKind.Form),
        new("POST /scenarios/{id:guid}/reconfirm", "- + - - - - - -", "id=changed", Kind: BodyKind.Form),
        new("POST /scenarios/{id:guid}/objections", "+ + + + + + + +", "id=publicity", "name=张三&contact=zhang@example.test&content=对评审结果有异议，请说明打分依据。", BodyKind.Form),
        new("POST /scenarios/{id:guid}/application/files", "- + - - - - - -", "id=open", Kind: BodyKind.Multipart),

        // Scenario API
        new("GET /api/v1/scenarios", "+ + + + + + + +"),
        new("GET /api/v1/scenarios/{id:guid}", "+ + + + + + + +", "id=open"),
        new("GET /api/v1/scenarios/{id:guid}", "- + - + - - - +", "id=partner"),
        new("GET /api/v1/scenarios/{id:guid}", "- - - + - - - +", "id=draft"),
        new("POST /api/v1/scenarios", "- - - + - - - +", Body: ScenarioJson, Kind: BodyKind.Json),
        new("POST /api/v1/scenarios/proposals", "- + + - - - - -", Body: ScenarioJson, Kind: BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/reject", "- - - + - - - +", "id=proposal", """{"reason":"不在本批征集范围内。"}""", BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/publish", "- - - + - - - +", "id=draft", Kind: BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/applications", "- + + - - - - -", "id=open", ProposalJson, BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/applications", "- + - - - - - -", "id=partner", ProposalJson, BodyKind.Json),
        new("PUT /api/v1/scenarios/{id:guid}/terms", "- - - + - - - +", "id=open", TermsJson, BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/applications/reconfirm", "- + - - - - - -", "id=changed", Kind: BodyKind.Json),
        new("GET /api/v1/scenarios/{id:guid}/questions", "+ + + + + + + +", "id=open"),
        new("GET /api/v1/scenarios/{id:guid}/questions", "- + - + - - - +", "id=partner"),
        new("POST /api/v1/scenarios/{id:guid}/questions", "- + + - - - - -", "id=open", """{"question":"是否提供供电？"}""", BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/questions", "- + - - - - - -", "id=partner", """{"question":"是否提供供电？"}""", BodyKind.Json),
        new("POST /api/v1/scenarios/questions/{questionId:guid}/answer", "- - - + - - - +", "questionId=open.question", """{"answer":"已具备供电条件。"}""", BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/applications/withdraw", "- + - - - - - -", "id=open", Kind: BodyKind.Json),
        // Sealed until the deadline, for staff too; after it, staff only.
        new("GET /api/v1/scenarios/{id:guid}/applications", "- - - - - - - -", "id=open"),
        new("GET /api/v1/scenarios/{id:guid}/applications", "- - - + - - - +", "id=review"),
        new("GET /api/v1/scenarios/{id:guid}/recommendations", "- - - + - - - +", "id=open"),
        new("POST /api/v1/scenarios/{id:guid}/invitations", "- - - + - - - +", "id=open", """{"enterpriseId":"{firmB}"}""", BodyKind.Json),
        new("GET /api/v1/capabilities", "+ + + + + + + +"),
        new("GET /api/v1/antiforgery", "+ + + + + + + +"),
        new("GET /api/v1/me/recommendations", "- + + - - - - -"),
        new("POST /api/v1/me/recommendations/{scenarioId:guid}/dismiss", "- + + - - - - -", "scenarioId=open", Kind: BodyKind.Json),
        new("POST /api/v1/me/recommendations/{scenarioId:guid}/dismiss", "- + - - - - - -", "scenarioId=partner", Kind: BodyKind.Json),

        // Review, award and delivery API
        new("POST /api/v1/scenarios/{id:guid}/review/start", "- - - + - - - +", "id=review", Kind: BodyKind.Json),
        new("POST /api/v1/applications/{applicationId:guid}/reviewers", "- - - + - - - +", "applicationId=review.applicationB", """{"reviewerId":"{user.Rn}"}""", BodyKind.Json),
        new("GET /api/v1/scenarios/{id:guid}/ranking", "- - - + - - - +", "id=review"),
        new("GET /api/v1/reviews", "- - - - + + + -"),
        new("POST /api/v1/reviews/{assignmentId:guid}/conflict", "- - - - + - - -", "assignmentId=review.assignmentRa", """{"reason":"曾为该企业提供咨询"}""", BodyKind.Json),
        new("POST /api/v1/reviews/{assignmentId:guid}/scores", "- - - - + - - -", "assignmentId=review.assignmentRa", ScoresJson, BodyKind.Json),
        // The recused reviewer's own assignment: his, but the rule refuses his scores.
        new("POST /api/v1/reviews/{assignmentId:guid}/scores", "- - - - - - r -", "assignmentId=review.assignmentRr", ScoresJson, BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/decision", "- - - + - - - +", "id=review", """{"winners":["{review.applicationA}"],"reason":"方案最完整。"}""", BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/objections", "+ + + + + + + +", "id=publicity", """{"name":"张三","contact":"zhang@example.test","content":"对评审结果有异议，请说明打分依据。"}""", BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/objections", "- + - + - - - +", "id=partner", """{"name":"张三","contact":"zhang@example.test","content":"对评审结果有异议。"}""", BodyKind.Json),
        new("GET /api/v1/scenarios/{id:guid}/objections", "- - - + - - - +", "id=publicity"),
        new("POST /api/v1/objections/{id:guid}/answer", "- - - + - - - +", "id=publicity.objection", """{"answer":"打分依据已公布。","upheld":false}""", BodyKind.Json),
        new("POST /api/v1/scenarios/{id:guid}/delivery/start", "- - - + - - - +", "id=delivery", Kind: BodyKind.Json),
        new("GET /api/v1/scenarios/{id:guid}/milestones", "- + + + - - - +", "id=delivery"),
        new("POST /api/v1/milestones/{id:guid}/evidence", "- + - - - - - -", "id=delivery.milestoneA", """{"evidence":"已完成设计评审，附报告。"}""", BodyKind.Json),
        new("POST /api/v1/milestones/{id:guid}/verdict", "- - - + - - - +", "id=delivery.milestoneA", """{"verdict":"continue","note":"按计划推进"}""", BodyKind.Json),
        new("PUT /api/v1/calendar/{day}", "- - - - - - - +", "day=day", """{"working":false,"name":"调休"}""", BodyKind.Json),

        // The firm's workbench
        new("GET /firm", "- + + - - - - -"),
        new("GET /firm/applications", "- + + - - - - -"),
        new("POST /firm/recommendations/{scenarioId:guid}/dismiss", "- + + - - - - -", "scenarioId=open", Kind: BodyKind.Form),
        new("POST /firm/recommendations/{scenarioId:guid}/dismiss", "- + - - - - - -", "scenarioId=partner", Kind: BodyKind.Form),
        new("GET /firm/profile", "- + + - - - - -"),
        new("POST /firm/profile", "- + + - - - - -", Body: "Description=", Kind: BodyKind.Form),
        new("GET /firm/qualifications", "- + + - - - - -"),
        new("POST /firm/qualifications", "- + + - - - - -", Body: "Kind=&Evidence=", Kind: BodyKind.Form),
        new("GET /firm/propose", "- + + - - - - -"),
        new("POST /firm/propose", "- + + - - - - -", Body: "Title=", Kind: BodyKind.Form),
        new("GET /firm/milestones", "- + + - - - - -"),
        new("POST /firm/milestones/{milestoneId:guid}/evidence", "- + - - - - - -", "milestoneId=delivery.milestoneA", "evidence=已完成设计评审。", BodyKind.Form),
        new("POST /firm/milestones/{milestoneId:guid}/files", "- + - - - - - -", "milestoneId=delivery.milestoneA", Kind: BodyKind.Multipart),
        new("GET /firm/consortium", "- + + - - - - -"),
        new("POST /firm/consortium/{applicationId:guid}/{answer:regex(^(confirm|decline)$)}", "- + - - - - - -", "applicationId=consortium; answer=confirm", Kind: BodyKind.Form),
        new("GET /api/v1/me/consortium-requests", "- + + - - - - -"),
        new("POST /api/v1/consortium-requests/{applicationId:guid}/confirm", "- + - - - - - -", "applicationId=consortium", Kind: BodyKind.Json),
        new("POST /api/v1/consortium-requests/{applicationId:guid}/decline", "- + - - - - - -", "applicationId=consortium", Kind: BodyKind.Json),
        new("GET /firm/members", "- + + - - - - -"),
        new("POST /firm/members", "- + + - - - - -", Body: "Email=", Kind: BodyKind.Form),

        // The officer's pages
        new("GET /officer", "- - - + - - - +"),
        new("GET /officer/scenarios/new", "- - - + - - - +"),
        new("POST /officer/scenarios/new", "- - - + - - - +", Body: "Title=", Kind: BodyKind.Form),
        new("GET /officer/scenarios/{id:guid}/edit", "- - - + - - - +", "id=draft"),
        new("POST /officer/scenarios/{id:guid}/edit", "- - - + - - - +", "id=draft", "Title=", BodyKind.Form),
        new("GET /officer/scenarios/{id:guid}/publish", "- - - + - - - +", "id=draft"),
        new("POST /officer/scenarios/{id:guid}/publish", "- - - + - - - +", "id=draft", Kind: BodyKind.Form),
        new("GET /officer/scenarios/{id:guid}/terms", "- - - + - - - +", "id=open"),
        new("POST /officer/scenarios/{id:guid}/terms", "- - - r - - - r", "id=open", "ChangeNote=", BodyKind.Form),
        new("POST /officer/scenarios/publish", "- - - + - - - +", Body: "ids={draft}", Kind: BodyKind.Form),
        new("GET /officer/scenarios/{id:guid}/applications", "- - - + - - - +", "id=review"),
        new("GET /officer/scenarios/{id:guid}/recommendations", "- - - + - - - +", "id=open"),
        new("POST /officer/scenarios/{id:guid}/invitations/{enterpriseId:guid}", "- - - + - - - +", "id=open; enterpriseId=firmB", Kind: BodyKind.Form),
        new("POST /officer/scenarios/{id:guid}/files", "- - - + - - - +", "id=open", Kind: BodyKind.Multipart),
        new("GET /officer/scenarios/{id:guid}/process", "- - - + - - - +", "id=review"),
        new("POST /officer/scenarios/{id:guid}/process/review/start", "- - - + - - - +", "id=review", Kind: BodyKind.Form),
        new("POST /officer/scenarios/{id:guid}/process/reviewers", "- - - + - - - +", "id=review", "applicationId={review.applicationB}&reviewerId={user.Rn}", BodyKind.Form),
        new("POST /officer/scenarios/{id:guid}/process/decision", "- - - + - - - +", "id=review", "winners={review.applicationA}&reason=方案最完整。", BodyKind.Form),
        new("POST /officer/scenarios/{id:guid}/process/objections/{objectionId:guid}/answer", "- - - + - - - +", "id=publicity; objectionId=publicity.objection",
            "answer=打分依据已公布。&upheld=false", BodyKind.Form),
        new("POST /officer/scenarios/{id:guid}/process/delivery/start", "- - - + - - - +", "id=delivery", Kind: BodyKind.Form),
        new("POST /officer/scenarios/{id:guid}/process/milestones/{milestoneId:guid}/verdict", "- - - + - - - +", "id=delivery; milestoneId=delivery.milestoneA",
            "verdict=continue&note=按计划推进", BodyKind.Form),
        new("GET /officer/directory", "- - - + - - - +"),
        new("GET /officer/directory/{id:guid}", "- - - + - - - +", "id=firmA"),
        new("POST /officer/directory/{id:guid}/suspension", "- - - + - - - +", "id=firmB", "until=&reason=&lift=true", BodyKind.Form),
        new("GET /officer/directory/export", "- - - + - - - +"),
        new("GET /officer/directory/import", "- - - + - - - +"),
        new("POST /officer/directory/import", "- - - + - - - +", Body: "dryRun=true", Kind: BodyKind.Multipart),
        new("GET /officer/directory/qualifications", "- - - + - - - +"),
        new("POST /officer/directory/qualifications/{id:guid}/verify", "- - - + - - - +", "id=qualification", Kind: BodyKind.Form),
        new("POST /officer/directory/qualifications/{id:guid}/reject", "- - - + - - - +", "id=qualification", "reason=证书编号无法查验", BodyKind.Form),
        new("GET /officer/monitoring", "- - - + - - - +"),
        new("GET /officer/monitoring/figures.json", "- - - + - - - +"),
        new("GET /officer/monitoring/ledger", "- - - + - - - +"),
        new("GET /officer/monitoring/reports", "- - - + - - - +"),
        new("GET /officer/monitoring/reports/{period}.xlsx", "- - - + - - - +", "period=period"),
        new("GET /officer/monitoring/reports/stored/{period}.xlsx", "- - - + - - - +", "period=stored"),

        // The reviewer's pages
        new("GET /reviewer", "- - - - + + + -"),
        new("POST /reviewer/{assignmentId:guid}/scores", "- - - - + - - -", "assignmentId=review.assignmentRa",
            "scores[技术方案]=80&scores[团队与案例]=80&scores[实施计划]=80&scores[报价合理性]=80", BodyKind.Form),
        new("POST /reviewer/{assignmentId:guid}/conflict", "- - - - + - - -", "assignmentId=review.assignmentRa", "reason=曾为该企业提供咨询", BodyKind.Form),

        // The administrator's pages
        new("GET /admin", "- - - - - - - +"),
        new("POST /admin/invitations", "- - - - - - - +", Body: "Email=&Role=", Kind: BodyKind.Form),
        new("GET /admin/audit", "- - - - - - - +"),
        new("GET /admin/outbox", "- - - - - - - +"),
        new("POST /admin/outbox/{id:guid}/retry", "- - - - - - - +", "id=outbox", Kind: BodyKind.Form),
        new("POST /admin/vocabulary", "- - - - - - - +", Body: "term=", Kind: BodyKind.Form),
        new("GET /admin/targets", "- - - - - - - +"),
        new("POST /admin/targets/{key}", "- - - - - - - +", "key=target", "targetValue=30", BodyKind.Form),
    ];

    private const string ScenarioJson = """
        {"title":"访问表新场景","summary":"智能投放点改造。","description":"老旧小区厨余垃圾分出率偏低，希望改造智能投放点。",
         "category":"smart_city","domain":"数字化社区","location":"宋庄镇","technologies":["物联网"],"ownerDepartment":"区科委",
         "budgetMinWan":50,"budgetMaxWan":300,"mode":"single","awardSlots":1,"closesAt":"2031-01-01T09:00:00Z",
         "requiredQualifications":[],"minRegisteredCapitalWan":0}
        """;
    private const string ProposalJson = """
        {"approach":"访问表的技术方案：智能投放设备与督导平台，分期实施。","quotedBudgetWan":120,"team":"项目负责人张工，核心成员五人。",
         "schedule":"第一个月完成设计，第二至三个月部署。","declaredTruthful":true,"declaredNoDoubleFunding":true}
        """;
    private const string TermsJson = """
        {"closesAt":"2031-02-01T09:00:00Z","budgetMaxWan":320,"requiredQualifications":[],"minRegisteredCapitalWan":0,
         "description":null,"changeNote":"预算上调。"}
        """;
    private const string ScoresJson = """
        {"scores":[{"criterion":"技术方案","score":80},{"criterion":"团队与案例","score":80},{"criterion":"实施计划","score":80},{"criterion":"报价合理性","score":80}]}
        """;

    private static string Key(string method, string pattern) => $"{method} /{pattern.TrimStart('/')}";

    /// <summary>Every endpoint the app serves, as "METHOD /pattern" (an endpoint without a method restriction counts as GET).</summary>
    private IReadOnlyList<string> RouteTable() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["GET"])
                .Select(m => Key(m, e.RoutePattern.RawText ?? "")))
            .Distinct().Order().ToList();

    [PostgresFact]
    public void EveryEndpoint_HasARow_AndEveryRowAnEndpoint()
    {
        var routes = RouteTable();
        var rows = Table.Select(r => r.Endpoint).ToHashSet();
        var missing = routes.Where(r => !rows.Contains(r)).ToList();
        var stale = rows.Where(r => !routes.Contains(r)).ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the access table:\n" + string.Join('\n', missing));
        Assert.True(stale.Count == 0, "Rows for endpoints the app no longer has:\n" + string.Join('\n', stale));
        Assert.All(Table, r => Assert.Equal(AccessCast.Roles.Length, r.Expected.Length));
    }

    [PostgresFact]
    public async Task EveryCell_OfTheAccessTable_HoldsAgainstTheRunningApp()
    {
        var cast = await AccessCast.CreateAsync(app);
        var failures = new List<string>();
        var cells = 0;
        // Reads share one world; each changing row gets a fresh one, so no cell depends on what another changed.
        var reads = new AccessWorld(app, cast);
        foreach (var row in Table.OrderBy(r => r.Method != "GET"))
        {
            var world = row.Method == "GET" ? reads : new AccessWorld(app, cast);
            // Denials first: a refused request must change nothing the allowed ones rely on.
            foreach (var (role, expected) in AccessCast.Roles.Zip(row.Expected).OrderBy(c => c.Second != "-"))
            {
                cells++;
                using var request = await RequestAsync(row, role, world);
                HttpResponseMessage response;
                try { response = await cast.Clients[role].SendAsync(request); }
                catch (Exception e) when (e is not InvalidOperationException { Message: var m } || !m.StartsWith("Building", StringComparison.Ordinal))
                {
                    // The in-process server rethrows what the app's error handler could not turn into an answer: a 500 for a browser.
                    failures.Add($"{row} [{role}] expected {expected}, threw {e.GetType().Name}: {e.Message}");
                    continue;
                }
                using (response)
                    if (!Holds(expected, row.Method, response)) failures.Add($"{row} [{role}] expected {expected}, got {await DescribeAsync(response)}");
            }
            if (row.EndsSessions) await cast.SignInAllAsync(app);
        }
        output.WriteLine($"Access table: {Table.Length} rows over {RouteTable().Count} endpoints, {cells} cells, {failures.Count} failing.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cells} cells do not hold:\n" + string.Join('\n', failures));
    }

    private static bool Denied(HttpResponseMessage r) =>
        r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound
        || (IsRedirect(r) && r.Headers.Location?.OriginalString is { } to
            && (to.Contains("/account/login", StringComparison.Ordinal) || to.Contains("/account/denied", StringComparison.Ordinal)));

    private static bool IsRedirect(HttpResponseMessage r) => (int)r.StatusCode is >= 300 and < 400;

    private static bool Holds(string expected, string method, HttpResponseMessage r)
    {
        var status = (int)r.StatusCode;
        return expected switch
        {
            "-" => Denied(r),
            "r" => status is 400 or 409 or 422,
            // Allowed: a read answers; a change gets past access control (its body may still be refused on its merits).
            "+" => !Denied(r) && status < 500 && (method == "GET" ? status < 400 : status is < 400 or 400 or 409 or 422),
            _ => status == int.Parse(expected),
        };
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage r)
    {
        var text = (int)r.StatusCode + (IsRedirect(r) ? " → " + r.Headers.Location : "");
        if ((int)r.StatusCode >= 400 && r.Content.Headers.ContentType?.MediaType == Json)
            text += " " + (await r.Content.ReadAsStringAsync())[..Math.Min(200, (int)(r.Content.Headers.ContentLength ?? 200))];
        return text;
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:[a-z]+(\([^}]*\))?)?\??\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\{(?<key>[A-Za-z]+(\.[A-Za-z]+)?)\}")]
    private static partial Regex Placeholder();

    private static async Task<string> FillAsync(string text, AccessWorld world)
    {
        var result = new StringBuilder();
        var last = 0;
        foreach (Match m in Placeholder().Matches(text))
        {
            result.Append(text, last, m.Index - last).Append(await world.ResolveAsync(m.Groups["key"].Value));
            last = m.Index + m.Length;
        }
        return result.Append(text, last, text.Length - last).ToString();
    }

    private static async Task<HttpRequestMessage> RequestAsync(AccessRow row, string role, AccessWorld world)
    {
        // "param=object" for everyone, "Role:param=object" where one role acts on its own object.
        var bindings = row.Objects.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(b => b.Split('=', 2))
            .Select(b => (Role: b[0].Contains(':') ? b[0].Split(':')[0] : null, Param: b[0].Split(':')[^1], Object: b[1]))
            .Where(b => b.Role is null || b.Role == role)
            .OrderBy(b => b.Role is null)
            .GroupBy(b => b.Param).ToDictionary(g => g.Key, g => g.First().Object);
        var path = row.Pattern;
        foreach (Match m in RouteParameter().Matches(row.Pattern))
        {
            var name = m.Groups["name"].Value;
            if (!bindings.TryGetValue(name, out var obj)) throw new InvalidOperationException($"{row}: no object for route parameter '{name}'.");
            var value = name is "status" or "documentName" or "answer" ? obj : obj.Length == 0 ? "" : await world.ResolveAsync(obj);
            path = path.Replace(m.Value, Uri.EscapeDataString(value));
        }
        path = path.TrimEnd('/');
        if (path.Length == 0) path = "/";
        if (row.Query is not null) path += "?" + await FillAsync(row.Query, world);
        var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
        var body = row.Body is null ? null : await FillAsync(row.Body, world);
        request.Content = row.Kind switch
        {
            BodyKind.Json => new StringContent(body ?? "{}", Encoding.UTF8, Json),
            BodyKind.Form => new FormUrlEncodedContent(Fields(body)),
            BodyKind.Multipart => Multipart(Fields(body)),
            _ => null,
        };
        return request;
    }

    private static IEnumerable<KeyValuePair<string, string>> Fields(string? body) =>
        (body ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1] : ""));

    private static MultipartFormDataContent Multipart(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields) content.Add(new StringContent(value), name);
        var file = new ByteArrayContent("%PDF-1.4\n% access table\n"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        content.Add(file, "file", "材料.pdf");
        return content;
    }
}
