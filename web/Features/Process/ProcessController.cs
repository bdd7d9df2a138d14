using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Scenarios.Reviews;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Process;

public sealed record ProcessPage(
    Scenario Scenario, IReadOnlyList<ApplicationRow> Applications, IReadOnlyDictionary<Guid, string> FirmNames,
    IReadOnlyList<RankedApplication> Ranking, IReadOnlyList<UserAccount> Reviewers, IReadOnlyList<Objection> Objections,
    IReadOnlyList<Milestone> Milestones);

/// <summary>The officers' page for a scenario after its deadline: review, decision, publicity and delivery in one place.</summary>
[Route("officer/scenarios/{id:guid}/process"), Authorize(Roles = Roles.OfficerOrAdmin)]
public sealed class ProcessController(ScenarioStore scenarios) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(Guid id, [FromServices] ApplicationQueries applications, [FromServices] EnterpriseStore enterprises,
        [FromServices] ReviewProcess reviews, [FromServices] ObjectionProcess objections, [FromServices] DeliveryProcess delivery,
        [FromServices] UserStore users, [FromServices] Marketplace.Scenarios.Attachments.AttachmentStore files, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        var rows = scenario is null ? null : await applications.ListAfterCloseAsync(id, ct);
        if (scenario is null || rows is null) return NotFound();
        var names = new Dictionary<Guid, string>();
        foreach (var r in rows) names[r.EnterpriseId] = (await enterprises.GetAsync(r.EnterpriseId, ct))?.Name ?? "?";
        // The page is for officers after the deadline: application files are no longer sealed for them.
        var all = await files.ListByScenarioAsync(id, ct);
        ViewBag.ApplicationFiles = all.Where(f => f.ApplicationId is not null).ToLookup(f => f.ApplicationId!.Value);
        ViewBag.MilestoneFiles = all.Where(f => f.MilestoneId is not null).ToLookup(f => f.MilestoneId!.Value);
        return View(new ProcessPage(scenario, rows, names, await reviews.RankingAsync(id, false, ct), await users.ListByRoleAsync(Roles.Reviewer, ct),
            await objections.ListAsync(id, ct), await delivery.ListAsync(id, null, ct)));
    }

    private IActionResult Done(Guid id, bool ok, string flash, string? error)
    {
        TempData[ok ? "Flash" : "Error"] = ok ? flash : error;
        return RedirectToAction(nameof(Index), new { id });
    }

    [HttpPost("review/start"), ValidateAntiForgeryToken]
    public async Task<IActionResult> StartReview(Guid id, [FromServices] ReviewProcess reviews, CancellationToken ct)
    {
        var r = await reviews.StartAsync(id, User.UserId(), ct);
        return Done(id, r.IsSuccess, r.IsSuccess ? $"已进入：{Labels.Status(r.Value)}" : "", r.IsSuccess ? null : r.FirstError.Message);
    }

    [HttpPost("reviewers"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Assign(Guid id, Guid applicationId, Guid reviewerId, [FromServices] Marketplace.Flows.Reviews.AssignReviewer assign, CancellationToken ct)
    {
        var r = await assign.HandleAsync(applicationId, reviewerId, User.UserId(), ct);
        return Done(id, r.IsSuccess, "已分配评审专家", r.IsSuccess ? null : r.FirstError.Message);
    }

    [HttpPost("decision"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Decide(Guid id, List<Guid> winners, string? reason, [FromServices] AwardProcess awards,
        [FromServices] IOptions<Marketplace.Flows.Scheduling.SchedulerOptions> options, CancellationToken ct)
    {
        var r = await awards.DecideAsync(new DecisionCommand(id, winners, reason), User.UserId(), options.Value.PublicityWorkingDays, ct);
        return Done(id, r.IsSuccess, r.IsSuccess ? $"已公示，公示期至 {Labels.Time(r.Value)}" : "", r.IsSuccess ? null : r.FirstError.Message);
    }

    [HttpPost("objections/{objectionId:guid}/answer"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Answer(Guid id, Guid objectionId, string? answer, bool upheld, [FromServices] ObjectionProcess objections, CancellationToken ct)
    {
        var r = await objections.AnswerAsync(objectionId, User.UserId(), answer, upheld, ct);
        return Done(id, r.IsSuccess, "异议已答复", r.IsSuccess ? null : r.FirstError.Message);
    }

    [HttpPost("delivery/start"), ValidateAntiForgeryToken]
    public async Task<IActionResult> StartDelivery(Guid id, [FromServices] DeliveryProcess delivery, CancellationToken ct)
    {
        var r = await delivery.StartAsync(id, User.UserId(), ct);
        return Done(id, r.IsSuccess, r.IsSuccess ? $"已开始实施，生成 {r.Value} 个里程碑" : "", r.IsSuccess ? null : r.FirstError.Message);
    }

    [HttpPost("milestones/{milestoneId:guid}/verdict"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Verdict(Guid id, Guid milestoneId, string? verdict, string? note, [FromServices] DeliveryProcess delivery, CancellationToken ct)
    {
        var r = await delivery.JudgeAsync(milestoneId, User.UserId(), verdict, note, ct);
        return Done(id, r.IsSuccess, r.IsSuccess ? $"结论已记录（场景：{Labels.Status(r.Value)}）" : "", r.IsSuccess ? null : r.FirstError.Message);
    }
}

/// <summary>The reviewer's desk: assigned applications only, scored against the rubric.</summary>
[Route("reviewer"), Authorize(Roles = Roles.Reviewer)]
public sealed class ReviewerController(ReviewProcess reviews) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await reviews.ForReviewerAsync(User.UserId(), ct));

    [HttpPost("{assignmentId:guid}/scores"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Score(Guid assignmentId, Dictionary<string, decimal> scores, Dictionary<string, string> notes, CancellationToken ct)
    {
        var r = await reviews.SubmitScoresAsync(assignmentId, User.UserId(),
            scores.Select(s => new CriterionScore(s.Key, s.Value, notes.GetValueOrDefault(s.Key))).ToList(), ct);
        return this.Flash(r, _ => "评分已提交", RedirectToAction(nameof(Index)));
    }

    [HttpPost("{assignmentId:guid}/conflict"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Conflict(Guid assignmentId, string? reason, CancellationToken ct)
    {
        var r = await reviews.DeclareConflictAsync(assignmentId, User.UserId(), reason, ct);
        return this.Flash(r, _ => "已申请回避", RedirectToAction(nameof(Index)));
    }
}
