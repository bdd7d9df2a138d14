using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Dapper;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>OCDS release packages validated against the official schema at every stage; CSV, JSON, Atom and iCalendar.</summary>
public sealed class OpenDataTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static OcdsSchema? _schema;
    private static OcdsSchema Schema => _schema ??= new OcdsSchema();

    private async Task<JsonElement> PackageAsync(string code, bool valid = true)
    {
        var json = await app.CreateClient().GetStringAsync($"/open-data/ocds/{code}.json");
        if (valid) Assert.Empty(Schema.Problems(json));
        var package = JsonDocument.Parse(json).RootElement.Clone();
        foreach (var release in package.GetProperty("releases").EnumerateArray())
        {
            Assert.All(release.GetProperty("tag").EnumerateArray(), t => Assert.Contains(t.GetString()!, Schema.Codelists["releaseTag"]));
            Assert.All(release.GetProperty("parties").EnumerateArray().SelectMany(p => p.GetProperty("roles").EnumerateArray()),
                r => Assert.Contains(r.GetString()!, Schema.Codelists["partyRole"]));
            Assert.Contains(release.GetProperty("tender").GetProperty("procurementMethod").GetString()!, Schema.Codelists["method"]);
        }
        return package;
    }

    [PostgresFact(SharedFile = OcdsSchema.PackagePath)]
    public async Task EveryStage_ExportsAValidOcdsPackage_WithApplicationsOnlyAsACountAfterTheDeadline()
    {
        var command = TestData.ScenarioCommand("开放数据：社区智能安防全流程", DateTimeOffset.UtcNow.AddSeconds(2)) with { Mode = ScenarioMode.HorseRace, AwardSlots = 2 };

        // 张榜: a tender, and no count of applications while the window is open.
        var open = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("开放数据：张榜中的场景"));
        var tender = (await PackageAsync(open.Code)).GetProperty("releases")[0];
        Assert.Equal("active", tender.GetProperty("tender").GetProperty("status").GetString());
        Assert.False(tender.GetProperty("tender").TryGetProperty("numberOfTenderers", out _));

        var (scenario, applicants) = await TestData.ClosedWithApplicationsAsync(app, command, 2);
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var closedJson = await app.CreateClient().GetStringAsync($"/open-data/ocds/{scenario.Code}.json");
        // The check is not vacuous: a status outside the closed codelist and a missing ocid are caught.
        var broken = System.Text.Json.Nodes.JsonNode.Parse(closedJson)!;
        broken["releases"]![0]!["tender"]!["status"] = "open";
        broken["releases"]![0]!.AsObject().Remove("ocid");
        Assert.True(Schema.Problems(broken.ToJsonString()).Count >= 2);
        var closed = (await PackageAsync(scenario.Code)).GetProperty("releases")[0].GetProperty("tender");
        Assert.Equal(2, closed.GetProperty("numberOfTenderers").GetInt32());
        Assert.DoesNotContain("第 0 家企业的技术方案", closed.GetRawText()); // never the content

        await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/review/start", null);
        var decision = await officer.PostAsJsonAsync($"/api/v1/scenarios/{scenario.Id}/decision", new DecisionDto(applicants.Select(a => a.Application).ToList(), "两支队伍方案各有所长，并行实施。"));
        Assert.True(decision.IsSuccessStatusCode, await decision.Content.ReadAsStringAsync());
        var publicity = await PackageAsync(scenario.Code);
        Assert.Equal(["tender", "award"], publicity.GetProperty("releases").EnumerateArray().Select(r => r.GetProperty("tag")[0].GetString()));
        Assert.All(publicity.GetProperty("releases")[1].GetProperty("awards").EnumerateArray(), a => Assert.Equal("pending", a.GetProperty("status").GetString()));

        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            await conn.ExecuteAsync("update scenarios.scenarios set publicity_ends_at = now() - interval '1 minute' where id = @id", new { id = scenario.Id });
        await app.Get<AwardProcess>().FinishPublicityAsync(default);
        await officer.PostAsync($"/api/v1/scenarios/{scenario.Id}/delivery/start", null);
        var milestones = await applicants[0].Firm.GetFromJsonAsync<List<Milestone>>($"/api/v1/scenarios/{scenario.Id}/milestones");
        await applicants[0].Firm.PostAsJsonAsync($"/api/v1/milestones/{milestones![0].Id}/evidence", new EvidenceDto("方案评审材料"));
        await officer.PostAsJsonAsync($"/api/v1/milestones/{milestones[0].Id}/verdict", new VerdictDto("continue", "通过"));

        var delivery = await PackageAsync(scenario.Code);
        var last = delivery.GetProperty("releases")[2];
        Assert.Equal(["contract", "implementation"], last.GetProperty("tag").EnumerateArray().Select(t => t.GetString()));
        var contracts = last.GetProperty("contracts").EnumerateArray().ToList();
        Assert.Equal(2, contracts.Count);
        var statuses = contracts.SelectMany(c => c.GetProperty("implementation").GetProperty("milestones").EnumerateArray()).Select(m => m.GetProperty("status").GetString()).ToList();
        Assert.Equal(1, statuses.Count(s => s == "met"));
        Assert.Equal(5, statuses.Count(s => s == "scheduled"));
        var releases = delivery.GetProperty("releases").EnumerateArray().ToList();
        Assert.Single(releases.Select(r => r.GetProperty("ocid").GetString()).Distinct());
        Assert.Equal(3, releases.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
    }

    [PostgresFact]
    public async Task OnlyScenariosPublishedToEveryone_AreOpenData()
    {
        var shared = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("开放数据：仅协同区域可见") with
        {
            Visibility = ScenarioVisibility.Partners, PartnerRegions = ["雄安新区"],
        });
        var draftId = (await app.Get<CreateScenario>().HandleAsync(TestData.ScenarioCommand("开放数据：尚未发布的草稿"), default)).Value;
        var draft = (await app.Get<ScenarioStore>().GetAsync(draftId, default))!;
        var visible = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("开放数据：公开发布的场景,含逗号"));
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/open-data/ocds/{shared.Code}.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/open-data/ocds/{draft.Code}.json")).StatusCode);

        var csv = await client.GetByteArrayAsync("/open-data/scenarios.csv");
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        var text = Encoding.UTF8.GetString(csv[3..]);
        Assert.Contains("\"开放数据：公开发布的场景,含逗号\"", text);
        Assert.DoesNotContain("仅协同区域可见", text);
        Assert.DoesNotContain("尚未发布的草稿", text);

        var json = await client.GetFromJsonAsync<List<JsonElement>>("/open-data/scenarios.json");
        Assert.Contains(json!, s => s.GetProperty("code").GetString() == visible.Code);
        Assert.DoesNotContain(json!, s => s.GetProperty("code").GetString() == shared.Code);

        var page = await client.GetStringAsync("/open-data");
        Assert.Contains($"/open-data/ocds/{visible.Code}.json", page);
    }

    [PostgresFact]
    public async Task OpenDataFiles_GoGzippedToClientsThatAcceptGzip_AndAClientHoldingThemGets304()
    {
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("开放数据：压缩下载与重新验证"));
        var client = app.CreateClient();
        foreach (var path in new[] { "/open-data/scenarios.json", "/open-data/scenarios.csv" })
        {
            var plain = await client.GetAsync(path);
            var plainBytes = await plain.Content.ReadAsByteArrayAsync();
            Assert.Empty(plain.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", plain.Headers.Vary);
            Assert.NotNull(plain.Headers.ETag);

            var compressed = new HttpRequestMessage(HttpMethod.Get, path);
            compressed.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
            var zipped = await client.SendAsync(compressed);
            Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
            await using (var gzip = new System.IO.Compression.GZipStream(await zipped.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress))
            using (var unzipped = new MemoryStream())
            {
                await gzip.CopyToAsync(unzipped);
                Assert.Equal(plainBytes, unzipped.ToArray());
            }

            var revalidate = new HttpRequestMessage(HttpMethod.Get, path);
            revalidate.Headers.IfNoneMatch.Add(plain.Headers.ETag!);
            var notModified = await client.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }
    }

    [PostgresFact]
    public async Task Feeds_AreWellFormedAtomAndICalendar()
    {
        var s = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("订阅：社区养老助餐点智能结算，含分号;与逗号,的很长的标题用于检验折行是否正确处理多字节字符"));
        var client = app.CreateClient();

        var atom = await client.GetAsync("/feeds/scenarios.atom");
        Assert.Equal("application/atom+xml", atom.Content.Headers.ContentType!.MediaType);
        var feed = XDocument.Parse(await atom.Content.ReadAsStringAsync());
        XNamespace ns = "http://www.w3.org/2005/Atom";
        var entry = Assert.Single(feed.Root!.Elements(ns + "entry"), e => e.Element(ns + "title")!.Value.StartsWith("订阅：社区养老助餐点"));
        Assert.Equal($"urn:uuid:{s.Id}", entry.Element(ns + "id")!.Value);
        Assert.EndsWith($"/scenarios/{s.Id}", entry.Element(ns + "link")!.Attribute("href")!.Value);

        var ics = await client.GetByteArrayAsync("/feeds/deadlines.ics");
        var raw = Encoding.UTF8.GetString(ics);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", raw);
        Assert.EndsWith("END:VCALENDAR\r\n", raw);
        var lines = raw.Split("\r\n");
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 75, $"line longer than 75 octets: {l}"));
        var unfolded = raw.Replace("\r\n ", "");
        Assert.Contains($"UID:deadline-{s.Code}@", unfolded);
        Assert.Contains("SUMMARY:申报截止：订阅：社区养老助餐点智能结算，含分号\\;与逗号\\,的很长的标题", unfolded);
        Assert.Contains("DTSTART:" + s.ClosesAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'"), unfolded);
    }

    [PostgresFact]
    public async Task DeadlineCalendar_ParsesBack_WithTheEventsUidStartAndAlarm()
    {
        var s = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("订阅：日历解析回读，标题含逗号,与分号;"));

        var calendar = Ical.Net.Calendar.Load(await app.CreateClient().GetStringAsync("/feeds/deadlines.ics"))!;

        Assert.Equal("PUBLISH", calendar.Method);
        Assert.Equal("应用场景申报截止", calendar.Properties.Get<string>("X-WR-CALNAME"));
        var deadline = Assert.Single(calendar.Events, e => e.Uid!.StartsWith($"deadline-{s.Code}@"));
        Assert.True(deadline.DtStart!.IsUtc);
        Assert.Equal(s.ClosesAt.UtcDateTime, deadline.DtStart.AsUtc, TimeSpan.FromSeconds(1));
        Assert.Equal("申报截止：订阅：日历解析回读，标题含逗号,与分号;", deadline.Summary);
        Assert.EndsWith($"/scenarios/{s.Id}", deadline.Url!.ToString());
        var alarm = Assert.Single(deadline.Alarms);
        Assert.Equal("DISPLAY", alarm.Action);
        Assert.Equal(TimeSpan.FromDays(-1), alarm.Trigger!.Duration!.Value.ToTimeSpanUnspecified());
    }
}
