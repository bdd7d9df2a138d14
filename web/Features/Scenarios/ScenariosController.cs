using Marketplace.Flows.Applications;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Matching.Search;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Scenarios;

/// <summary>Public scenario pages (场景大厅) and the application form (揭榜).</summary>
[ScenarioVisible]
[Route("scenarios")]
public sealed class ScenariosController(ISearchEngine search, ScenarioStore scenarios, TimeProvider clock, Marketplace.Web.Infrastructure.RenderedPages pages) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] ScenarioFilters f, [FromServices] Viewers viewers, CancellationToken ct = default)
    {
        if (!ModelState.IsValid)
        {
            // An over-long query or facet is not searched for: the hall without filters, and the message.
            TempData["Error"] = string.Join("；", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            f = new ScenarioFilters();
        }
        var query = f.ToQuery() with { Audience = await viewers.AudienceAsync(User, ct) };
        var result = await search.SearchScenariosAsync(query, ct);
        // A signed-in firm sees on each card where it stands: 已申报, 草稿 or 已邀请.
        if (User.EnterpriseId() is { } firmId)
            ViewBag.Badges = await HttpContext.RequestServices.GetRequiredService<Marketplace.Flows.Applications.FirmOverview>().BadgesAsync(firmId, ct);
        return pages.View(this, result, new ScenarioSearchPage(f, query.Page, result));
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Details(Guid id, [FromServices] ApplicationQueries applications, [FromServices] ScenarioDetails details, CancellationToken ct)
    {
        var detail = await details.GetAsync(id, User.IsInRole(Roles.Officer) || User.IsInRole(Roles.Admin), ct);
        if (detail is null) return NotFound(); // visibility: [ScenarioVisible] on the controller
        ViewBag.Files = detail.Files;
        ViewBag.Questions = detail.Questions;
        var firm = User.EnterpriseId();
        var own = firm is null ? null : await applications.GetOwnAsync(id, firm.Value, ct);
        var blocked = detail.Scenario.CheckAcceptsApplications(clock.GetUtcNow());
        // A visitor's page is the same for every visitor until the data changes or it stops accepting applications.
        return pages.View(this, detail, new ScenarioPage(detail.Scenario, own, blocked is null, blocked?.Message), variant: blocked?.Code ?? "open");
    }

    /// <summary>The confirmation step before withdrawing: what withdrawing means, and a way back.</summary>
    [HttpGet("{id:guid}/withdraw"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Withdraw(Guid id, [FromServices] ApplicationQueries applications, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        if (scenario is null) return NotFound();
        var own = await applications.GetOwnAsync(id, User.EnterpriseId()!.Value, ct);
        if (own is not { Status: "submitted" or "awaiting_consortium" }) return NotFound();
        return View(new ScenarioPage(scenario, own, true, null));
    }

    [HttpPost("{id:guid}/withdraw"), Authorize(Roles = Roles.Enterprise), ValidateAntiForgeryToken]
    public async Task<IActionResult> Withdraw(Guid id, [FromServices] WithdrawApplication withdraw, CancellationToken ct)
    {
        var result = await withdraw.HandleAsync(new WithdrawApplicationCommand(id, User.EnterpriseId()!.Value, User.UserId()), ct);
        return this.Flash(result, _ => "申报已撤回；截止前可重新提交。", RedirectToAction(nameof(Details), new { id }));
    }

    [HttpPost("{id:guid}/questions"), Authorize(Roles = Roles.Enterprise), ValidateAntiForgeryToken]
    public async Task<IActionResult> Ask(Guid id, string? question, [FromServices] Questions questions, CancellationToken ct)
    {
        var r = await questions.AskAsync(id, User.UserId(), question, ct);
        return this.Flash(r, _ => "问题已提交，答复后将在本页公开。", RedirectToAction(nameof(Details), new { id }));
    }

    [HttpPost("{id:guid}/questions/{questionId:guid}/answer"), Authorize(Roles = Roles.OfficerOrAdmin), ValidateAntiForgeryToken]
    public async Task<IActionResult> Answer(Guid id, Guid questionId, string? answer, [FromServices] Questions questions, CancellationToken ct)
    {
        var r = await questions.AnswerAsync(questionId, User.UserId(), answer, ct);
        return this.Flash(r, _ => "答复已公开。", RedirectToAction(nameof(Details), new { id }));
    }

    [HttpPost("{id:guid}/reconfirm"), Authorize(Roles = Roles.Enterprise), ValidateAntiForgeryToken]
    public async Task<IActionResult> Reconfirm(Guid id, [FromServices] ChangeTerms change, CancellationToken ct)
    {
        var result = await change.ReconfirmAsync(id, User.EnterpriseId()!.Value, User.UserId(), ct);
        return this.Flash(result, _ => "已确认按变更后的条款参与。", RedirectToAction(nameof(Details), new { id }));
    }

    /// <summary>Object while the proposed winners are publicised (公示): signed in, or with an email address to confirm.</summary>
    [HttpPost("{id:guid}/objections"), ValidateAntiForgeryToken, Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(SecuritySetup.ObjectionsPolicy)]
    public async Task<IActionResult> Object(Guid id, string? name, string? email, string? content, [FromServices] ObjectionFiling filing, CancellationToken ct)
    {
        var outcome = await filing.FileAsync(User, id, name, email, content, ct);
        if (outcome.Result is not { } r)
        {
            TempData["Error"] = ObjectionThrottle.Message(outcome.RetryAfter!.Value);
            return RedirectToAction(nameof(Details), new { id });
        }
        TempData[r.IsSuccess ? "Flash" : "Error"] = !r.IsSuccess ? string.Join("；", r.Errors.Select(e => e.Message))
            : r.Value.Confirmed ? "异议已提交并生效，经办部门将答复。"
            : $"异议已收到，尚未生效：确认邮件已发送到您填写的邮箱，请在 {Labels.Time(r.Value.ConfirmBy!.Value)} 前点击邮件中的链接确认。";
        return RedirectToAction(nameof(Details), new { id });
    }

    [HttpGet("{id:guid}/apply"), Authorize(Roles = Roles.Enterprise)]
    public async Task<IActionResult> Apply(Guid id, [FromServices] ApplicationQueries applications, [FromServices] EnterpriseStore enterprises,
        [FromServices] Marketplace.Scenarios.Attachments.AttachmentStore files, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        if (scenario is null || !scenario.IsPublic) return NotFound();
        var own = await applications.GetOwnAsync(id, User.EnterpriseId()!.Value, ct);
        await PrepareApplyViewAsync(scenario, own, files, ct);
        return View(ApplicationForm.From(own, own is null ? [] : await Applicants.CodesAsync(own.ConsortiumMemberIds, enterprises, ct)));
    }

    [HttpPost("{id:guid}/apply"), Authorize(Roles = Roles.Enterprise), ValidateAntiForgeryToken]
    public async Task<IActionResult> Apply(Guid id, ApplicationForm form, [FromServices] ApplyForScenario apply, [FromServices] ApplicationQueries applications,
        [FromServices] Marketplace.Scenarios.Attachments.AttachmentStore files, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        if (scenario is null || !scenario.IsPublic) return NotFound();
        var firmId = User.EnterpriseId()!.Value;
        var command = new ApplyCommand(id, firmId, User.UserId(), form.Approach, form.QuotedBudgetWan,
            form.Team, form.Schedule, form.PastCases, form.DeclaredTruthful, form.DeclaredNoDoubleFunding, form.MemberCodes, form.IsDraft);
        var before = await applications.GetOwnAsync(id, firmId, ct);
        if (!ModelState.IsValid)
        {
            // All problems at once, not in rounds: the fields' own rules next to the binding errors.
            apply.CheckFields(command).Where(e => e.Field is null || ModelState[e.Field]?.Errors.Count is null or 0).ToList().AddTo(ModelState);
        }
        else
        {
            var result = await apply.HandleAsync(command, ct);
            if (result.IsSuccess)
            {
                if (form.IsDraft)
                {
                    TempData["Flash"] = "草稿已保存（尚未提交，截止前请提交）。";
                    return RedirectToAction(nameof(Apply), new { id });
                }
                TempData["Flash"] = form.MemberCodes.Count > 0
                    ? "申报已提交，待全部联合体成员确认后计为正式提交；已通知各成员单位。"
                    : before is { Status: "submitted" }
                        ? "申报已更新（修改不另发回执）。"
                        : "申报已提交，回执邮件将发送到您的邮箱。";
                return RedirectToAction(nameof(Details), new { id });
            }
            result.Errors.AddTo(ModelState);
        }
        await PrepareApplyViewAsync(scenario, await applications.GetOwnAsync(id, firmId, ct), files, ct);
        return View(form);
    }

    private async Task PrepareApplyViewAsync(Scenario scenario, OwnApplication? own, Marketplace.Scenarios.Attachments.AttachmentStore files, CancellationToken ct)
    {
        ViewBag.Scenario = scenario;
        ViewBag.Own = own;
        if (own is not null)
        {
            var enterprises = HttpContext.RequestServices.GetRequiredService<EnterpriseStore>();
            var answers = new List<(string, string)>();
            foreach (var a in await HttpContext.RequestServices.GetRequiredService<ConsortiumConsents>().AnswersAsync(own.Id, ct))
                answers.Add(((await enterprises.GetAsync(a.EnterpriseId, ct))?.Name ?? a.EnterpriseId.ToString(), a.Status));
            ViewBag.ConsortiumAnswers = answers;
        }
        ViewBag.Files = own is null ? [] : await files.ListAsync(new(scenario.Id, ApplicationId: own.Id), ct);
    }
}
