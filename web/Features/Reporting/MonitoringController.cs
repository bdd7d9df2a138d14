using System.Text.Json;
using Marketplace.Reporting.Monitoring;
using Marketplace.Accounts;
using Marketplace.Web.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Reporting;

/// <summary>Officers' monitoring: the dashboard against the plan, the ledger (live or a frozen month), and the reports.</summary>
[Route("officer/monitoring"), Authorize(Roles = Roles.OfficerOrAdmin)]
public sealed class MonitoringController(MonitoringQueries monitoring, Reports reports) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await monitoring.DashboardAsync(ct));

    /// <summary>The dashboard's figures as JSON (the charts read the same numbers the page prints).</summary>
    [HttpGet("figures.json")]
    public async Task<IActionResult> Figures(CancellationToken ct) => Ok(await monitoring.DashboardAsync(ct));

    [HttpGet("ledger")]
    public async Task<IActionResult> Ledger([FromQuery] LedgerFilter filter, string? month, CancellationToken ct)
    {
        DateOnly? m = null;
        if (!string.IsNullOrEmpty(month))
        {
            if (ReportPeriod.Parse(month) is not { Kind: "monthly" } period) return BadRequest(new { month = "月份应写成 2026-11" });
            m = period.First;
        }
        var page = await monitoring.LedgerPageAsync(filter, m, ct);
        if (m is not null && page.Snapshot is null) TempData["Error"] = $"{m:yyyy-MM} 尚无月末快照，下表为实时台账。";
        return View(page);
    }

    /// <summary>A report for a month (2026-11), quarter (2026-Q4) or year (2026), honouring the ledger filters on screen.</summary>
    [HttpGet("reports/{period}.xlsx")]
    public async Task<IActionResult> Report(string period, [FromQuery] LedgerFilter filter, CancellationToken ct)
    {
        if (ReportPeriod.Parse(period) is not { } p)
            return ValidationProblem(new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary().With("period", "报告期应写成 2026-11、2026-Q4 或 2026"));
        var (content, _) = await reports.BuildAsync(p, filter, ct);
        return File(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{p.Title}.xlsx");
    }

    [HttpGet("reports")]
    public async Task<IActionResult> Reports(CancellationToken ct) => View(await reports.StoredAsync(ct));

    [HttpGet("reports/stored/{period}.xlsx")]
    public async Task<IActionResult> Stored(string period, CancellationToken ct) =>
        await reports.StoredContentAsync(period, ct) is { } content && ReportPeriod.Parse(period) is { } p
            ? File(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{p.Title}.xlsx")
            : NotFound();

    internal static string ChartData(object value) => JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}

/// <summary>Admins keep the plan targets.</summary>
[Route("admin/targets"), Authorize(Roles = Roles.Admin)]
public sealed class TargetsController(MonitoringQueries monitoring) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await monitoring.TargetsAsync(ct));

    [HttpPost("{key}"), ValidateAntiForgeryToken]
    public async Task<IActionResult> Set(string key, int targetValue, DateOnly? periodStart, DateOnly? periodEnd, CancellationToken ct)
    {
        var r = await monitoring.SetTargetAsync(key, targetValue, periodStart, periodEnd, User.UserId(), ct);
        return this.Flash(r, _ => "目标已更新。", RedirectToAction(nameof(Index)));
    }
}
