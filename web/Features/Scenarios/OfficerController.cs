using Marketplace.BuildingBlocks.Paging;
using Marketplace.BuildingBlocks.Time;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Scenarios.Listings;
using Marketplace.Flows.Recommending;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Scenarios;

/// <summary>The officers' workbench: draft, publish, and see recommended firms.</summary>
[Route("officer"), Authorize(Roles = Roles.OfficerOrAdmin)]
public sealed class OfficerController(ScenarioStore scenarios, TimeProvider clock, UiLabels l) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? q, string? status, string? category, string? sort, int page = 1, CancellationToken ct = default)
    {
        const int pageSize = 30;
        var order = sort switch
        {
            "deadline" => OfficeScenarioSort.DeadlineAscending,
            "latest" => OfficeScenarioSort.DeadlineDescending,
            "title" => OfficeScenarioSort.Title,
            _ => OfficeScenarioSort.AwaitingPublicationFirst,
        };
        var paging = new PageInfo(PageInfo.Clamp(page, 100_000), pageSize, 0);
        var filter = new OfficeScenarioFilter(q?.Length > 200 ? q[..200] : q, status?.Length > 40 ? null : status,
            category?.Length > 40 ? null : category, order, pageSize, paging.Offset);
        var (items, total) = await scenarios.ListForOfficeAsync(filter, ct);
        paging = paging with { Total = total };
        return View(new OfficeScenarioList(filter, sort, items, paging, Pager.For(paging, Request)));
    }

    [HttpGet("scenarios/new")]
    public IActionResult Create() => View(ScenarioForm.New(BeijingCalendar.Today(clock).ToDateTime(new TimeOnly(17, 0)).AddDays(30)));

    [HttpPost("scenarios/new"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Create(ScenarioForm form, [FromServices] CreateScenario create, CancellationToken ct)
    {
        // Show every problem at once: the binding errors, unreadable lines and the rules' messages for the other fields.
        if (!form.Validate(ModelState, create.Check)) return View(form.WithRowsFromText());
        var result = await create.HandleAsync(form.ToCommand(), ct, User.UserId());
        if (!result.IsSuccess)
        {
            result.Errors.AddTo(ModelState);
            return View(form.WithRowsFromText());
        }
        TempData["Flash"] = "场景草稿已保存，确认无误后即可发布。";
        return RedirectToAction("Details", "Scenarios", new { id = result.Value });
    }

    [HttpGet("scenarios/{id:guid}/edit")]
    public async Task<IActionResult> Edit(Guid id, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        if (scenario is null) return NotFound();
        // A published scenario's terms change through “变更条款”, which tells the applicants.
        if (scenario.Status == ScenarioStatus.Published) return RedirectToAction(nameof(Terms), new { id });
        ViewBag.Scenario = scenario;
        return View(ScenarioForm.From(scenario));
    }

    [HttpPost("scenarios/{id:guid}/edit"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Edit(Guid id, ScenarioForm form, [FromServices] CreateScenario create, [FromServices] EditScenario edit, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        if (scenario is null) return NotFound();
        ViewBag.Scenario = scenario;
        if (!form.Validate(ModelState, create.Check)) return View(form.WithRowsFromText());
        var result = await edit.HandleAsync(id, form.ToCommand(), User.UserId(), ct);
        if (!result.IsSuccess)
        {
            result.Errors.AddTo(ModelState);
            return View(form.WithRowsFromText());
        }
        TempData["Flash"] = "修改已保存。";
        return RedirectToAction("Details", "Scenarios", new { id });
    }

    /// <summary>Before publishing: the firms the matcher would invite, with reasons and a relative fit; the officer chooses.</summary>
    [HttpGet("scenarios/{id:guid}/publish")]
    public async Task<IActionResult> Publish(Guid id, [FromServices] PublishWithInvitations flow, CancellationToken ct)
    {
        var preview = await flow.PreviewAsync(id, ct);
        if (!preview.IsSuccess)
        {
            if (preview.FirstError.Kind == Marketplace.BuildingBlocks.Results.ErrorKind.NotFound) return NotFound();
            TempData["Error"] = preview.FirstError.Message;
            return RedirectToAction("Details", "Scenarios", new { id });
        }
        return View(new PublishPreviewPage(preview.Value.Scenario, preview.Value.Candidates));
    }

    /// <summary>Publishes and invites exactly the ticked firms (none when nothing is ticked); says who got no email and why.</summary>
    [HttpPost("scenarios/{id:guid}/publish"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Publish(Guid id, List<Guid> invite, [FromServices] PublishWithInvitations flow, CancellationToken ct)
    {
        var result = await flow.HandleAsync(id, invite, User.UserId(), ct);
        if (!result.IsSuccess)
        {
            if (result.FirstError.Kind == Marketplace.BuildingBlocks.Results.ErrorKind.NotFound) return NotFound();
            TempData["Error"] = result.FirstError.Message;
            return RedirectToAction("Details", "Scenarios", new { id });
        }
        var invitations = result.Value.Invitations;
        var invited = invitations.Count(i => i.Outcome.IsSuccess);
        TempData["Flash"] = invitations.Count == 0
            ? "场景已发布（张榜），公众可检索并申报；未邀请企业（可在“推荐企业”页邀请）。"
            : $"场景已发布（张榜），公众可检索并申报；已邀请 {invited} 家企业。";
        var problems = invitations.Select(i => !i.Outcome.IsSuccess ? i.FirmName + l.Colon + l.Message(i.Outcome.FirstError.Message)
                : i.Outcome.Value.HeldBack.Count > 0 ? InvitationMessages.Describe(i.Outcome.Value, i.FirmName, l) : null).OfType<string>().ToList();
        if (problems.Count > 0) TempData["Error"] = string.Join(" ", problems);
        return RedirectToAction("Details", "Scenarios", new { id });
    }

    /// <summary>Changing the terms of a published scenario (变更条款): applicants are emailed and must confirm again.</summary>
    [HttpGet("scenarios/{id:guid}/terms")]
    public async Task<IActionResult> Terms(Guid id, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        if (scenario is null) return NotFound();
        ViewBag.Scenario = scenario;
        return View(TermsForm.From(scenario));
    }

    [HttpPost("scenarios/{id:guid}/terms"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Terms(Guid id, TermsForm form, [FromServices] ChangeTerms change, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        if (scenario is null) return NotFound();
        ViewBag.Scenario = scenario;
        var command = form.ToCommand(id);
        if (!ModelState.IsValid)
        {
            // Every problem at once, and nothing changed: binding errors and the rules' messages for the fields that bound.
            change.Check(command).Where(e => e.Field is null || ModelState[e.Field]?.Errors.Count is null or 0).ToList().AddTo(ModelState);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return View(form);
        }
        var result = await change.HandleAsync(command, User.UserId(), ct);
        if (!result.IsSuccess)
        {
            result.Errors.AddTo(ModelState);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return View(form);
        }
        TempData["Flash"] = result.Value == 0
            ? "条款已变更；目前没有需要通知的申报企业。"
            : $"条款已变更；已通知 {result.Value} 家申报企业，请其在截止前确认。";
        return RedirectToAction("Details", "Scenarios", new { id });
    }

    /// <summary>After the deadline: the applications with their eligibility. Before it they are sealed (404).</summary>
    /// <summary>Publishes the selected drafts and proposals as one batch (批次发布); each is checked on its own.</summary>
    [HttpPost("scenarios/publish"), ValidateAntiForgeryToken]
    public async Task<IActionResult> PublishBatch(List<Guid> ids, [FromServices] PublishScenario publish, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            TempData["Error"] = "请先勾选要发布的场景";
            return RedirectToAction(nameof(Index));
        }
        var failures = new List<string>();
        var published = 0;
        foreach (var id in ids.Distinct())
        {
            // No silent invitations: a batch has no preview, so it invites nobody (officers invite from “推荐企业”).
            var result = await publish.HandleAsync(id, ct, User.UserId(), autoInvite: false);
            if (result.IsSuccess) published++;
            else failures.Add(result.FirstError.Message);
        }
        TempData["Flash"] = $"已发布 {published} 个场景；未邀请企业（可在各场景的“推荐企业”页邀请）。";
        if (failures.Count > 0) TempData["Error"] = $"{failures.Count} 个未发布：{string.Join("；", failures.Distinct())}";
        return RedirectToAction(nameof(Index));
    }

    [HttpGet("scenarios/{id:guid}/applications")]
    public async Task<IActionResult> Applications(Guid id, [FromServices] Marketplace.Scenarios.Applications.ApplicationQueries applications,
        [FromServices] Marketplace.Enterprises.Profiles.EnterpriseStore enterprises, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        var rows = scenario is null ? null : await applications.ListAfterCloseAsync(id, ct);
        if (rows is null) return NotFound();
        var names = new Dictionary<Guid, string>();
        foreach (var r in rows) names[r.EnterpriseId] = (await enterprises.GetAsync(r.EnterpriseId, ct))?.Name ?? "?";
        ViewBag.Names = names;
        ViewBag.Scenario = scenario;
        return View(rows);
    }

    [HttpGet("scenarios/{id:guid}/recommendations")]
    public async Task<IActionResult> Recommendations(Guid id, [FromServices] Recommendations recommendations, CancellationToken ct)
    {
        var result = await recommendations.ForScenarioAsync(id, 20, ct);
        if (!result.IsSuccess) return NotFound();
        return View(new RecommendationsPage(result.Value.Scenario, result.Value.Items, result.Value.Invited));
    }

    [HttpPost("scenarios/{id:guid}/invitations/{enterpriseId:guid}"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Invite(Guid id, Guid enterpriseId, [FromServices] Recommendations recommendations,
        [FromServices] Marketplace.Enterprises.Profiles.EnterpriseStore enterprises, CancellationToken ct)
    {
        var result = await recommendations.InviteAsync(id, enterpriseId, User.UserId(), ct);
        if (result.IsSuccess)
        {
            var name = (await enterprises.GetAsync(enterpriseId, ct))?.Name ?? "";
            // Never claim a send that did not happen: who got no email is named, with the reason.
            TempData[result.Value.Sent > 0 && result.Value.HeldBack.Count == 0 ? "Flash" : "Error"] = InvitationMessages.Describe(result.Value, name, l);
        }
        else
        {
            TempData["Error"] = result.FirstError.Message;
        }
        return RedirectToAction(nameof(Recommendations), new { id });
    }
}

public sealed record OfficeScenarioList(OfficeScenarioFilter Filter, string? Sort, IReadOnlyList<Scenario> Items, PageInfo Paging, Pager Pager);
