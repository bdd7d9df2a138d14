using System.Text.Json;
using Marketplace.Reporting.OpenData;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Features.Reporting;

/// <summary>
/// Open data (政务公开): every scenario published to everyone as CSV and JSON, each one's process as an OCDS release
/// package, an Atom feed of newly published scenarios and an iCalendar feed of deadlines. No sign-in, nothing sealed.
/// </summary>
public sealed class OpenDataController(OpenDataQueries openData, Feeds feeds, Ocds ocds) : Controller
{
    private static readonly JsonSerializerOptions Indented =
        new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [HttpGet("open-data")]
    public async Task<IActionResult> Index(CancellationToken ct) => View(await openData.ListAsync(ct));

    [HttpGet("open-data/scenarios.json")]
    public async Task<IActionResult> Json([FromServices] OpenDataFiles files, [FromServices] IOptions<JsonOptions> json, CancellationToken ct) =>
        await files.JsonAsync(json.Value.JsonSerializerOptions, ct) is { } file
            ? this.Kept(file, "application/json; charset=utf-8")
            : Ok(openData.StreamAsync(ct));

    [HttpGet("open-data/scenarios.csv")]
    public async Task<IActionResult> Csv([FromServices] OpenDataFiles files, CancellationToken ct)
    {
        if (await files.CsvAsync(ct) is { } file) return this.Kept(file, "text/csv; charset=utf-8", "scenarios.csv");
        Response.StartDownload("text/csv; charset=utf-8", "scenarios.csv");
        await openData.WriteCsvAsync(Response.Body, ct);
        return new EmptyResult();
    }

    [HttpGet("open-data/ocds/{code}.json")]
    public async Task<IActionResult> OcdsPackage(string code, CancellationToken ct) =>
        await ocds.PackageAsync(code, ct) is { } package
            ? Content(package.ToJsonString(Indented), "application/json; charset=utf-8")
            : NotFound();

    /// <summary>Atom 1.0 (RFC 4287): the 50 most recently published scenarios.</summary>
    [HttpGet("feeds/scenarios.atom")]
    public async Task<IActionResult> Atom(CancellationToken ct) => File(await feeds.AtomAsync(ct), "application/atom+xml; charset=utf-8");

    /// <summary>iCalendar (RFC 5545): one event per open scenario at its deadline, to subscribe to from a calendar app.</summary>
    [HttpGet("feeds/deadlines.ics")]
    public async Task<IActionResult> Calendar(CancellationToken ct) =>
        File(await feeds.DeadlinesAsync(ct), "text/calendar; charset=utf-8", "deadlines.ics");
}
