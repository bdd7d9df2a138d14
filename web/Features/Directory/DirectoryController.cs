using Marketplace.BuildingBlocks.Paging;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Import;
using Marketplace.Enterprises.Profiles;
using Marketplace.Enterprises.Qualifications;
using Microsoft.AspNetCore.Authorization;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Marketplace.BuildingBlocks.Data;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;

namespace Marketplace.Web.Features.Directory;

public sealed record DirectoryPage(DirectoryFilter Filter, IReadOnlyList<EnterpriseProfile> Firms, PageInfo Paging, Pager Pager);

/// <summary>The officers' enterprise directory: list, filters, export, bulk import, qualification review.</summary>
[Route("officer/directory"), Authorize(Roles = Roles.OfficerOrAdmin)]
public sealed class DirectoryController(EnterpriseStore enterprises) : Controller
{
    private const int PageSize = 50;

    [HttpGet("")]
    public async Task<IActionResult> Index(string? q, string? region, string? industry, string? qualification, string? sort, int page = 1,
        CancellationToken ct = default)
    {
        var order = sort switch { "capital" => DirectorySort.CapitalDescending, "newest" => DirectorySort.NewestFirst, _ => DirectorySort.Name };
        var paging = new PageInfo(PageInfo.Clamp(page, 100_000), PageSize, 0);
        var filter = new DirectoryFilter(q, region, industry, qualification, PageSize, paging.Offset, order);
        paging = paging with { Total = await enterprises.CountAsync(filter, ct) };
        var firms = paging.IsOutOfRange ? [] : await enterprises.ListAsync(filter, ct);
        return View(new DirectoryPage(filter, firms, paging, Pager.For(paging, Request)));
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Firm(Guid id, CancellationToken ct) =>
        await enterprises.GetAsync(id, ct) is { } firm ? View(firm) : NotFound();

    /// <summary>Suspend a firm from applying until a day (Beijing date), with the reason; or lift it.</summary>
    [HttpPost("{id:guid}/suspension"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Suspend(Guid id, DateOnly? until, string? reason, bool lift, [FromServices] Suspension suspension,
        CancellationToken ct)
    {
        var r = lift ? await suspension.LiftAsync(id, User.UserId(), ct) : await suspension.SuspendAsync(id, until, reason, User.UserId(), ct);
        return this.Flash(r, _ => (lift ? "已解除暂停。" : "已暂停该企业申报。"), RedirectToAction(nameof(Firm), new { id }));
    }

    /// <summary>The directory as .xlsx or .csv, with the same filters as the list on screen.</summary>
    [HttpGet("export")]
    public async Task<IActionResult> Export(string? q, string? region, string? industry, string? qualification, string format = "xlsx", CancellationToken ct = default)
    {
        if (format is not ("xlsx" or "csv")) return BadRequest("format 应为 xlsx 或 csv");
        var firms = enterprises.StreamAsync(new DirectoryFilter(q, region, industry, qualification), ct);
        var name = $"enterprises-{DateTime.UtcNow:yyyyMMdd}.{format}";
        if (format == "csv")
        {
            // Streamed as the rows arrive: memory stays flat whatever the directory's size.
            Response.StartDownload("text/csv; charset=utf-8", name);
            await using var writer = SpreadsheetText.CsvWriter(Response.Body);
            await writer.WriteLineAsync(string.Join(',', ExportRow(null).Keys.Select(CsvField)));
            var n = 0;
            await foreach (var f in firms)
            {
                // Names, descriptions and contacts are typed by firms: no cell may open as a formula on an officer's machine.
                await writer.WriteLineAsync(string.Join(',', ExportRow(f).Values.Select(v => CsvField(v switch
                {
                    string text => text,
                    decimal d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => "",
                }))));
                if (++n % 1000 == 0) await writer.FlushAsync(ct);
            }
            return new EmptyResult();
        }
        // .xlsx streamed too: the workbook's zip is written into the response as the rows arrive.
        Response.StartDownload("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
        await using (var sheet = await XlsxStreamWriter.CreateAsync(Response.Body, "企业名录", [.. ExportRow(null).Keys], ExportWidths, ct))
        {
            await foreach (var f in firms) await sheet.WriteRowAsync([.. ExportRow(f).Values], ct);
            await sheet.FinishAsync(ct);
        }
        return new EmptyResult();
    }

    /// <summary>Column widths of the .xlsx export, in characters, in the order of <see cref="ExportRow"/>.</summary>
    private static readonly double[] ExportWidths = [34, 22, 14, 18, 24, 14, 10, 30, 50, 40, 10, 26, 16, 10];

    /// <summary>The columns of an export; <paramref name="f"/> null gives the header's keys.</summary>
    private static Dictionary<string, object?> ExportRow(EnterpriseProfile? f) => new()
    {
        ["企业名称"] = f?.Name, ["统一社会信用代码"] = f?.CreditCode, ["行业"] = f?.Industry, ["注册地"] = f?.Region,
        ["资质"] = f is null ? null : string.Join("、", f.Qualifications), ["注册资本（万元）"] = f?.RegisteredCapitalWan, ["员工人数"] = f?.Employees,
        ["关键技术"] = f is null ? null : string.Join("、", f.Technologies), ["简介"] = f?.Description,
        ["案例"] = f is null ? null : string.Join("；", f.Cases.Select(c => c.Title)), ["联系人"] = f?.ContactName, ["联系邮箱"] = f?.ContactEmail,
        ["联系电话"] = f?.ContactPhone, ["公开名片"] = f is null ? null : f.PublicCard ? "是" : "否",
    };

    private static string CsvField(string value) => Marketplace.BuildingBlocks.Data.SpreadsheetText.CsvField(value);

    [HttpGet("import")]
    public IActionResult Import() => View(model: null);

    [HttpPost("import"), ValidateAntiForgeryToken, RequestSizeLimit(50_000_000), RequestFormLimits(MultipartBodyLengthLimit = 50_000_000)]
    public async Task<IActionResult> Import(IFormFile? file, bool dryRun, [FromServices] EnterpriseImport import,
        CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            ModelState.AddModelError("file", "请选择要导入的文件（.json、.xlsx 或 .csv）");
            return View(model: null);
        }
        try
        {
            // The upload is already buffered (in memory or a temporary file) and seekable, as an .xlsx needs; rows are
            // read from it as they are imported.
            await using var stream = file.OpenReadStream();
            return View(await import.RunAsync(ImportReaders.ReadAsync(file.FileName, stream, ct), dryRun, null, ct));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            ModelState.AddModelError("file", $"无法读取文件：{e.Message}");
            return View(model: null);
        }
    }

    [HttpGet("qualifications")]
    public async Task<IActionResult> Qualifications([FromServices] QualificationReview review, CancellationToken ct) =>
        View(await review.ListPendingAsync(ct));

    [HttpPost("qualifications/{id:guid}/verify"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Verify(Guid id, [FromServices] QualificationReview review, CancellationToken ct)
    {
        var result = await review.VerifyAsync(id, User.UserId(), ct);
        return this.Flash(result, _ => $"已认证：{result.Value.EnterpriseName} {result.Value.Kind}", RedirectToAction(nameof(Qualifications)));
    }

    [HttpPost("qualifications/{id:guid}/reject"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Reject(Guid id, string? reason, [FromServices] QualificationReview review, CancellationToken ct)
    {
        var result = await review.RejectAsync(id, User.UserId(), reason, ct);
        return this.Flash(result, _ => $"已驳回：{result.Value.EnterpriseName} {result.Value.Kind}", RedirectToAction(nameof(Qualifications)));
    }
}
