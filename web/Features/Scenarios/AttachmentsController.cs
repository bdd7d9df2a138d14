using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Attachments;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Scenarios;

/// <summary>
/// Files of the process: scenario attachments (officers upload, visible with the scenario), application attachments
/// (the applicant uploads; sealed like the application) and milestone evidence (the delivering firm uploads).
/// A file nobody may see is reported as not found, as sealed applications are.
/// </summary>
public sealed class AttachmentsController(AttachmentStore files, ScenarioStore scenarios, Viewers viewers, TimeProvider clock) : Controller
{
    [HttpGet("files/{id:guid}")]
    public async Task<IActionResult> Download(Guid id, CancellationToken ct)
    {
        var context = await files.AccessContextAsync(id, User.Identity?.IsAuthenticated == true ? User.UserId() : null, ct);
        if (context is null) return NotFound();
        var scenario = await scenarios.GetAsync(context.ScenarioId, ct);
        var viewer = new AttachmentViewer(User.Identity?.IsAuthenticated == true ? User.UserId() : null, User.EnterpriseId(),
            Viewers.IsStaff(User), User.IsInRole(Roles.Reviewer));
        var allowed = scenario is not null && context.Allows(viewer)
                      && (context.ApplicationId is not null || context.MilestoneId is not null || await viewers.CanSeeAsync(User, scenario, ct));
        if (!allowed || await files.GetAsync(id, ct) is not { } file) return NotFound();
        Response.Headers["X-Content-Type-Options"] = "nosniff";
        if (context.ApplicationId is not null || context.MilestoneId is not null) Response.Headers.CacheControl = "private, no-store";
        return File(file.Content, file.Info.ContentType, file.Info.FileName);
    }

    [HttpPost("officer/scenarios/{id:guid}/files"), Authorize(Roles = Roles.OfficerOrAdmin), ValidateAntiForgeryToken, RequestSizeLimit(AttachmentStore.MaxBytes + 64 * 1024), RequestFormLimits(MultipartBodyLengthLimit = AttachmentStore.MaxBytes + 64 * 1024)]
    public async Task<IActionResult> UploadToScenario(Guid id, IFormFile? file, CancellationToken ct)
    {
        if (await scenarios.GetAsync(id, ct) is null) return NotFound();
        await StoreAsync(new AttachmentOwner(id), file, ct);
        return Redirect($"/scenarios/{id}");
    }

    [HttpPost("scenarios/{id:guid}/application/files"), Authorize(Roles = Roles.Enterprise), ValidateAntiForgeryToken, ScenarioVisible, RequestSizeLimit(AttachmentStore.MaxBytes + 64 * 1024), RequestFormLimits(MultipartBodyLengthLimit = AttachmentStore.MaxBytes + 64 * 1024)]
    public async Task<IActionResult> UploadToApplication(Guid id, IFormFile? file, [FromServices] ApplicationQueries applications, CancellationToken ct)
    {
        var scenario = await scenarios.GetAsync(id, ct);
        var own = await applications.GetOwnAsync(id, User.EnterpriseId()!.Value, ct);
        if (scenario is null || own is null) return NotFound();
        if (scenario.CheckAcceptsApplications(clock.GetUtcNow()) is { } closed) TempData["Error"] = closed.Message;
        else await StoreAsync(new AttachmentOwner(id, ApplicationId: own.Id), file, ct);
        return Redirect($"/scenarios/{id}/apply");
    }

    [HttpPost("firm/milestones/{milestoneId:guid}/files"), Authorize(Roles = Roles.Enterprise), ValidateAntiForgeryToken, RequestSizeLimit(AttachmentStore.MaxBytes + 64 * 1024), RequestFormLimits(MultipartBodyLengthLimit = AttachmentStore.MaxBytes + 64 * 1024)]
    public async Task<IActionResult> UploadToMilestone(Guid milestoneId, IFormFile? file, [FromServices] DeliveryProcess delivery, CancellationToken ct)
    {
        var milestone = (await delivery.ListForEnterpriseAsync(User.EnterpriseId()!.Value, ct)).FirstOrDefault(m => m.Id == milestoneId);
        if (milestone is null) return NotFound();
        if (milestone.Verdict is not null || milestone.AwardStatus != "active") TempData["Error"] = "该里程碑已有结论，不能再上传材料";
        else await StoreAsync(new AttachmentOwner(milestone.ScenarioId, MilestoneId: milestoneId), file, ct);
        return Redirect("/firm/milestones");
    }

    /// <summary>Officers remove scenario files; applicants remove their own application files while the window is open.</summary>
    [HttpPost("files/{id:guid}/delete"), Authorize, ValidateAntiForgeryToken]
    public async Task<IActionResult> Delete(Guid id, CancellationToken ct)
    {
        var context = await files.AccessContextAsync(id, User.UserId(), ct);
        if (context is null) return NotFound();
        var scenario = await scenarios.GetAsync(context.ScenarioId, ct);
        var mayDelete = context switch
        {
            { ApplicationId: not null } => User.EnterpriseId() == context.ApplicantId && scenario?.CheckAcceptsApplications(clock.GetUtcNow()) is null,
            { MilestoneId: not null } => false,
            _ => Viewers.IsStaff(User),
        };
        if (!mayDelete) return NotFound();
        await files.RemoveAsync(id, User.UserId(), ct);
        TempData["Flash"] = "附件已删除。";
        return Redirect(context.ApplicationId is null ? $"/scenarios/{context.ScenarioId}" : $"/scenarios/{context.ScenarioId}/apply");
    }

    private async Task StoreAsync(AttachmentOwner owner, IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            TempData["Error"] = "请选择要上传的文件";
            return;
        }
        if (file.Length > AttachmentStore.MaxBytes)
        {
            TempData["Error"] = $"单个文件不能超过 {AttachmentStore.MaxBytes / 1024 / 1024} MB";
            return;
        }
        // Read straight into an array of the file's size: no growing buffer and no second copy of up to 10 MB.
        var bytes = new byte[file.Length];
        await using (var upload = file.OpenReadStream()) await upload.ReadExactlyAsync(bytes, ct);
        var result = await files.AddAsync(new AttachmentUpload(owner, file.FileName, bytes, User.UserId()), ct);
        TempData[result.IsSuccess ? "Flash" : "Error"] = result.IsSuccess ? $"已上传：{Path.GetFileName(file.FileName)}" : result.FirstError.Message;
    }
}
