using Marketplace.Scenarios.Listings;
using Marketplace.BuildingBlocks.Time;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Marketplace.Enterprises.Qualifications;
using Marketplace.Enterprises.Vocabulary;
using Marketplace.Matching.Recommendations;
using Marketplace.Flows.Recommending;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Accounts;
using Marketplace.Accounts.Users;
using Marketplace.Web.Features.Accounts;
using Marketplace.Flows.Accounts;

namespace Marketplace.Web.Features.Directory;

public sealed record FirmDashboard(EnterpriseProfile Firm, IReadOnlyList<ScenarioRecommendation> Recommended);

/// <summary>The enterprise member's workbench: recommended scenarios, the capability profile, qualifications, members.</summary>
[Route("firm"), Authorize(Roles = Roles.Enterprise)]
public sealed class FirmController(Recommendations recommendations, EnterpriseStore enterprises, TimeProvider clock) : Controller
{
    private Guid FirmId => User.EnterpriseId()!.Value;

    /// <summary>“我的申报”: drafts, submitted and withdrawn applications, invitations received, results, awards and milestones due.</summary>
    [HttpGet("applications")]
    public async Task<IActionResult> Applications([FromServices] Marketplace.Flows.Applications.FirmOverview overview, CancellationToken ct)
    {
        var firm = await enterprises.GetAsync(FirmId, ct);
        if (firm is null) return NotFound();
        ViewBag.Firm = firm;
        return View(await overview.ForAsync(FirmId, ct));
    }

    [HttpGet("")]
    public async Task<IActionResult> Index([FromServices] Marketplace.Flows.Applications.FirmOverview overview, CancellationToken ct)
    {
        var firm = await enterprises.GetAsync(FirmId, ct);
        if (firm is null) return NotFound();
        ViewBag.Badges = await overview.BadgesAsync(FirmId, ct);
        try
        {
            var recommended = await recommendations.ForEnterpriseAsync(FirmId, 10, ct);
            return View(new FirmDashboard(firm, recommended.IsSuccess ? recommended.Value : []));
        }
        catch (Marketplace.Matching.Search.SearchUnavailableException)
        {
            // The workbench (profile, qualifications, members) works without search; only the recommendations wait.
            ViewBag.SearchDown = true;
            return View(new FirmDashboard(firm, []));
        }
    }

    [HttpPost("recommendations/{scenarioId:guid}/dismiss"), ValidateAntiForgeryToken, ScenarioVisible]
    public async Task<IActionResult> Dismiss(Guid scenarioId, CancellationToken ct)
    {
        var result = await recommendations.DismissAsync(FirmId, scenarioId, User.UserId(), ct);
        return this.Flash(result, _ => "已标记为不相关，今后不再推荐。", RedirectToAction(nameof(Index)));
    }

    [HttpGet("profile")]
    public async Task<IActionResult> Profile([FromServices] TechnologyVocabulary vocabulary, CancellationToken ct)
    {
        var firm = await enterprises.GetAsync(FirmId, ct);
        if (firm is null) return NotFound();
        ViewBag.Vocabulary = await vocabulary.TermsAsync(ct);
        ViewBag.Firm = firm;
        return View(ProfileForm.From(firm));
    }

    [HttpPost("profile"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Profile(ProfileForm form, [FromServices] UpdateProfile update, [FromServices] TechnologyVocabulary vocabulary,
        CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var result = await update.HandleAsync(FirmId, form.ToEdit(), ct, User.UserId());
            if (result.IsSuccess)
            {
                TempData["Flash"] = "企业信息已保存。";
                return RedirectToAction(nameof(Profile));
            }
            result.Errors.AddTo(ModelState);
        }
        ViewBag.Vocabulary = await vocabulary.TermsAsync(ct);
        ViewBag.Firm = await enterprises.GetAsync(FirmId, ct);
        return View(form);
    }

    [HttpGet("qualifications")]
    public async Task<IActionResult> Qualifications([FromServices] QualificationReview review, CancellationToken ct)
    {
        ViewBag.Records = await review.ListForFirmAsync(FirmId, ct);
        return View(new QualificationForm());
    }

    [HttpPost("qualifications"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Qualifications(QualificationForm form, [FromServices] QualificationReview review, CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var result = await review.DeclareAsync(FirmId, User.UserId(), new DeclareQualificationCommand(form.Kind, form.Evidence, form.ExpiresOn), ct);
            if (result.IsSuccess)
            {
                TempData["Flash"] = "资质已提交，等待部门审核。";
                return RedirectToAction(nameof(Qualifications));
            }
            result.Errors.AddTo(ModelState);
        }
        ViewBag.Records = await review.ListForFirmAsync(FirmId, ct);
        return View(form);
    }

    /// <summary>企业出题: the firm poses a problem; it waits for officers to complete, publish or reject it.</summary>
    [HttpGet("propose")]
    public IActionResult Propose() =>
        View(new ScenarioForm { ClosesAt = BeijingCalendar.LocalTime(ProposeScenario.DefaultDeadline(clock)) });

    [HttpPost("propose"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Propose(ScenarioForm form, [FromServices] Marketplace.Scenarios.Listings.CreateScenario create,
        [FromServices] ProposeScenario propose, CancellationToken ct)
    {
        if (!form.Validate(ModelState, create.Check)) return View(form);
        var result = await propose.HandleAsync(form.ToCommand(), User.UserId(), FirmId, ct);
        if (!result.IsSuccess)
        {
            result.Errors.AddTo(ModelState);
            return View(form);
        }
        TempData["Flash"] = "问题已提交，经办部门审核后将向社会发布。";
        return Redirect("/firm");
    }

    [HttpGet("milestones")]
    public async Task<IActionResult> Milestones([FromServices] Marketplace.Scenarios.Awards.DeliveryProcess delivery,
        [FromServices] Marketplace.Scenarios.Attachments.AttachmentStore files, CancellationToken ct)
    {
        var milestones = await delivery.ListForEnterpriseAsync(FirmId, ct);
        var evidence = new List<Marketplace.Scenarios.Attachments.AttachmentInfo>();
        foreach (var scenarioId in milestones.Select(m => m.ScenarioId).Distinct())
            evidence.AddRange((await files.ListByScenarioAsync(scenarioId, ct)).Where(f => f.MilestoneId is not null));
        ViewBag.Files = evidence.ToLookup(f => f.MilestoneId!.Value);
        return View(milestones);
    }

    [HttpPost("milestones/{milestoneId:guid}/evidence"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Evidence(Guid milestoneId, string? evidence, [FromServices] Marketplace.Scenarios.Awards.DeliveryProcess delivery, CancellationToken ct)
    {
        var r = await delivery.SubmitEvidenceAsync(milestoneId, FirmId, User.UserId(), evidence, ct);
        return this.Flash(r, _ => "交付材料已提交。", RedirectToAction(nameof(Milestones)));
    }

    /// <summary>Consortium requests to this firm: applications naming it, to read and confirm or decline before the deadline.</summary>
    [HttpGet("consortium")]
    public async Task<IActionResult> Consortium([FromServices] Marketplace.Scenarios.Applications.ConsortiumConsents consents, CancellationToken ct)
    {
        var requests = await consents.ListForMemberAsync(FirmId, ct);
        var names = new Dictionary<Guid, string>();
        foreach (var id in requests.SelectMany(r => r.ConsortiumMemberIds.Append(r.LeadEnterpriseId)).Distinct())
            names[id] = (await enterprises.GetAsync(id, ct))?.Name ?? "";
        ViewBag.Names = names;
        return View(requests);
    }

    [HttpPost("consortium/{applicationId:guid}/{answer:regex(^(confirm|decline)$)}"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Consortium(Guid applicationId, string answer, [FromServices] Marketplace.Scenarios.Applications.ConsortiumConsents consents,
        CancellationToken ct)
    {
        var result = await consents.AnswerAsync(applicationId, FirmId, User.UserId(), answer == "confirm", ct);
        // To the list (the GET): redirecting by action name would land on this POST's own address.
        return this.Flash(result, _ => answer == "confirm" ? "已确认参与该联合体申报。" : "已拒绝参与，牵头单位将收到通知。", Redirect("/firm/consortium"));
    }

    [HttpGet("members")]
    public async Task<IActionResult> Members([FromServices] UserStore users, CancellationToken ct)
    {
        ViewBag.Members = await users.ListMembersAsync(FirmId, ct);
        return View(new InviteForm { Role = Roles.Enterprise });
    }

    [HttpPost("members"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Members(InviteForm form, [FromServices] UserStore users, [FromServices] AccountFlows flows, CancellationToken ct)
    {
        var me = await users.GetAsync(User.UserId(), ct);
        var result = await flows.InviteAsync(me!, form.Email, Roles.Enterprise, FirmId, null, ct);
        if (result.IsSuccess)
        {
            TempData["Flash"] = $"邀请已发送至 {result.Value}。";
            return RedirectToAction(nameof(Members));
        }
        result.Errors.AddTo(ModelState);
        ViewBag.Members = await users.ListMembersAsync(FirmId, ct);
        return View(form);
    }
}
