using Marketplace.BuildingBlocks.Time;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Scenarios.Listings;
using Microsoft.Extensions.Options;
using Npgsql;
using Marketplace.Web.Features.Accounts;
using Marketplace.BuildingBlocks.Site;

namespace Marketplace.Web.OpenData;

/// <summary>Section <c>OpenData</c>.</summary>
public sealed class OpenDataOptions
{
    public const string Section = "OpenData";
    /// <summary>The OCID prefix ("ocds-" and six characters); a registered one replaces this default in production.</summary>
    public string OcidPrefix { get; set; } = "ocds-tzsc26";
    public string PublisherName { get; set; } = "北京市通州区应用场景供需对接平台";
}

/// <summary>
/// A scenario's process as an Open Contracting Data Standard 1.1 release package: the scenario is the tender,
/// applications appear only as their number once the window has closed (never their content), the winners are the
/// awards, the task book (任务书) is the contract and the milestones are its implementation milestones. Only scenarios
/// published to everyone are exported.
/// </summary>
public sealed class Ocds(NpgsqlDataSource db, ScenarioStore scenarios, IOptions<OpenDataOptions> options, IOptions<SiteOptions> site, TimeProvider clock)
{
    private static readonly string[] Sealed = ["draft", "submitted", "published", "rejected", "withdrawn"];

    private sealed record AwardRow
    {
        public Guid Id { get; init; }
        public Guid EnterpriseId { get; init; }
        public string Name { get; init; } = "";
        public string CreditCode { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime AwardedAt { get; init; }
        public decimal QuotedBudgetWan { get; init; }
    }

    private sealed record MilestoneRow
    {
        public Guid Id { get; init; }
        public Guid AwardId { get; init; }
        public int Seq { get; init; }
        public string Title { get; init; } = "";
        public DateTime DueAt { get; init; }
        public decimal TrancheWan { get; init; }
        public string? Verdict { get; init; }
        public DateTime? VerdictAt { get; init; }
    }

    public string Ocid(Scenario s) => $"{options.Value.OcidPrefix}-{s.Code}";

    private string Url(string path) => site.Value.BaseUrl.TrimEnd('/') + path;

    /// <summary>The package, or null when the scenario is not open data (not published, or shared with partners only).</summary>
    public async Task<JsonObject?> PackageAsync(Guid scenarioId, CancellationToken ct)
    {
        var s = await scenarios.GetAsync(scenarioId, ct);
        if (s is null || !s.IsPublic || s.Visibility != ScenarioVisibility.Public) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        var awards = (await conn.QueryAsync<AwardRow>(new CommandDefinition("""
            select w.id, w.enterprise_id, e.name, e.credit_code, w.status, w.awarded_at, a.quoted_budget_wan
            from scenarios.awards w join enterprises.enterprises e on e.id = w.enterprise_id join scenarios.applications a on a.id = w.application_id
            where w.scenario_id = @scenarioId
            union all
            -- During publicity (公示) the proposed winners are shortlisted applications: pending awards.
            select a.id, a.enterprise_id, e.name, e.credit_code, 'pending', a.updated_at, a.quoted_budget_wan
            from scenarios.applications a join enterprises.enterprises e on e.id = a.enterprise_id
            where a.scenario_id = @scenarioId and a.status = 'shortlisted'
            order by 6, 3
            """, new { scenarioId }, cancellationToken: ct))).ToList();
        var milestones = (await conn.QueryAsync<MilestoneRow>(new CommandDefinition("""
            select m.id, m.award_id, m.seq, m.title, m.due_at, m.tranche_wan, m.verdict, m.verdict_at
            from scenarios.milestones m join scenarios.awards w on w.id = m.award_id where w.scenario_id = @scenarioId order by m.award_id, m.seq
            """, new { scenarioId }, cancellationToken: ct))).ToLookup(m => m.AwardId);
        int? tenderers = Sealed.Contains(s.Status) ? null : await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            select count(*) from scenarios.applications where scenario_id = @scenarioId and status not in ('draft', 'withdrawn')
            """, new { scenarioId }, cancellationToken: ct));
        var documents = (await conn.QueryAsync<(Guid Id, string FileName, string ContentType, DateTime UploadedAt)>(new CommandDefinition("""
            select id, file_name, content_type, uploaded_at from scenarios.attachments
            where scenario_id = @scenarioId and application_id is null and milestone_id is null order by uploaded_at
            """, new { scenarioId }, cancellationToken: ct))).ToList();

        var releases = new JsonArray { Release(s, "tender", ["tender"], s.PublishedAt!.Value, tenderers, documents, [], milestones) };
        if (awards.Count > 0)
            releases.Add(Release(s, "award", ["award"], Utc(awards.Max(a => a.AwardedAt)), tenderers, documents, awards, milestones, withContracts: false));
        if (milestones.Count > 0)
        {
            var last = milestones.SelectMany(g => g).Select(m => m.VerdictAt).Where(t => t is not null).Select(t => Utc(t!.Value)).DefaultIfEmpty(Utc(awards.Max(a => a.AwardedAt))).Max();
            releases.Add(Release(s, "implementation", ["contract", "implementation"], last, tenderers, documents, awards, milestones, withContracts: true));
        }
        return new JsonObject
        {
            ["uri"] = Url($"/open-data/ocds/{s.Code}.json"),
            ["version"] = "1.1",
            ["publishedDate"] = Date(clock.GetUtcNow()),
            ["publisher"] = new JsonObject { ["name"] = options.Value.PublisherName, ["uri"] = Url("/open-data") },
            ["license"] = "https://creativecommons.org/licenses/by/4.0/",
            ["publicationPolicy"] = Url("/open-data"),
            ["releases"] = releases,
        };
    }

    private JsonObject Release(Scenario s, string stage, string[] tags, DateTimeOffset date, int? tenderers,
        IReadOnlyList<(Guid Id, string FileName, string ContentType, DateTime UploadedAt)> documents, IReadOnlyList<AwardRow> awards,
        ILookup<Guid, MilestoneRow> milestones, bool withContracts = false)
    {
        var buyerId = "dept-" + Slug(s.OwnerDepartment);
        var parties = new JsonArray
        {
            new JsonObject { ["id"] = buyerId, ["name"] = s.OwnerDepartment.Length > 0 ? s.OwnerDepartment : "北京市通州区人民政府", ["roles"] = new JsonArray("buyer", "procuringEntity") },
        };
        foreach (var a in awards)
            parties.Add(new JsonObject
            {
                ["id"] = "CN-USCC-" + a.CreditCode, ["name"] = a.Name,
                ["identifier"] = new JsonObject { ["scheme"] = "CN-USCC", ["id"] = a.CreditCode, ["legalName"] = a.Name },
                ["roles"] = a.Status == "pending" ? new JsonArray("tenderer") : new JsonArray("supplier", "tenderer"),
            });
        var tender = new JsonObject
        {
            ["id"] = s.Code,
            ["title"] = s.Title,
            ["description"] = s.Summary + "\n" + s.Description,
            ["status"] = TenderStatus(s.Status),
            ["procuringEntity"] = new JsonObject { ["id"] = buyerId, ["name"] = parties[0]!["name"]!.GetValue<string>() },
            ["procurementMethod"] = "open",
            ["procurementMethodDetails"] = s.Mode == ScenarioMode.HorseRace ? $"赛马（{s.AwardSlots} 个并行名额）" : "揭榜挂帅",
            ["mainProcurementCategory"] = "services",
            ["awardCriteria"] = "ratedCriteria",
            ["awardCriteriaDetails"] = string.Join("；", s.Rubric.Select(c => $"{c.Name} {c.Weight.ToString("0.##", CultureInfo.InvariantCulture)}")),
            ["eligibilityCriteria"] = Eligibility(s),
            ["tenderPeriod"] = new JsonObject { ["startDate"] = Date(s.OpensAt), ["endDate"] = Date(s.ClosesAt) },
            ["documents"] = new JsonArray(documents.Select(d => (JsonNode)new JsonObject
            {
                ["id"] = d.Id.ToString(), ["documentType"] = "technicalSpecifications", ["title"] = d.FileName, ["url"] = Url($"/files/{d.Id}"),
                ["datePublished"] = Date(Utc(d.UploadedAt)), ["format"] = d.ContentType.Split(';')[0], ["language"] = "zh",
            }).ToArray()),
        };
        if (s.BudgetMaxWan > 0) tender["value"] = Money(s.BudgetMaxWan);
        if (tenderers is { } n) tender["numberOfTenderers"] = n;

        var release = new JsonObject
        {
            ["ocid"] = Ocid(s),
            ["id"] = $"{s.Code}-{stage}-{date.UtcDateTime:yyyyMMddHHmmss}",
            ["date"] = Date(date),
            ["tag"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray()),
            ["initiationType"] = "tender",
            ["language"] = "zh",
            ["parties"] = parties,
            ["buyer"] = new JsonObject { ["id"] = buyerId, ["name"] = parties[0]!["name"]!.GetValue<string>() },
            ["tender"] = tender,
        };
        if (awards.Count > 0)
            release["awards"] = new JsonArray(awards.Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id.ToString(),
                ["title"] = $"{s.Title}：{a.Name}",
                ["status"] = a.Status switch { "pending" => "pending", "stopped" => "cancelled", _ => "active" },
                ["date"] = Date(Utc(a.AwardedAt)),
                ["value"] = Money(a.QuotedBudgetWan),
                ["suppliers"] = new JsonArray(new JsonObject { ["id"] = "CN-USCC-" + a.CreditCode, ["name"] = a.Name }),
            }).ToArray());
        if (withContracts)
            release["contracts"] = new JsonArray(awards.Where(a => milestones[a.Id].Any()).Select(a => (JsonNode)new JsonObject
            {
                ["id"] = "contract-" + a.Id,
                ["awardID"] = a.Id.ToString(),
                ["title"] = $"任务书：{s.Title}（{a.Name}）",
                ["status"] = a.Status switch { "active" => "active", "accepted" => "terminated", _ => "cancelled" },
                ["value"] = Money(a.QuotedBudgetWan),
                ["implementation"] = new JsonObject
                {
                    ["milestones"] = new JsonArray(milestones[a.Id].Select(m => (JsonNode)Milestone(m)).ToArray()),
                },
            }).ToArray());
        return release;
    }

    private static JsonObject Milestone(MilestoneRow m)
    {
        var o = new JsonObject
        {
            ["id"] = m.Id.ToString(),
            ["title"] = m.Title,
            ["type"] = "delivery",
            ["dueDate"] = Date(Utc(m.DueAt)),
            ["status"] = m.Verdict switch { null => "scheduled", "stop" => "notMet", _ => "met" },
        };
        if (m.Verdict is not null and not "stop" && m.VerdictAt is { } at) o["dateMet"] = Date(Utc(at));
        if (m.TrancheWan > 0) o["value"] = Money(m.TrancheWan);
        return o;
    }

    /// <summary>Open while published, unsuccessful when cancelled (流标), complete once the window has closed otherwise.</summary>
    private static string TenderStatus(string status) => status switch
    {
        ScenarioStatus.Published => "active",
        ScenarioStatus.Cancelled => "unsuccessful",
        _ => "complete",
    };

    private static string Eligibility(Scenario s)
    {
        var parts = new List<string>();
        if (s.RequiredQualifications.Count > 0) parts.Add("资质：" + string.Join("、", s.RequiredQualifications));
        if (s.MinRegisteredCapitalWan > 0) parts.Add($"注册资本不低于 {s.MinRegisteredCapitalWan:0.##} 万元");
        if (s.AllowedRegions.Count > 0) parts.Add("注册地：" + string.Join("、", s.AllowedRegions));
        if (s.ExcludeWinnersWithinYears > 0) parts.Add($"近 {s.ExcludeWinnersWithinYears} 年内已揭榜企业不得申报");
        return parts.Count == 0 ? "无特别限制" : string.Join("；", parts);
    }

    private static JsonObject Money(decimal wan) => new() { ["amount"] = wan * 10000, ["currency"] = "CNY" };

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    /// <summary>RFC 3339 with the Beijing offset, as OCDS date-time fields expect.</summary>
    private static string Date(DateTimeOffset t) => t.ToOffset(BeijingCalendar.Offset).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

    private static string Slug(string department) =>
        department.Length == 0 ? "district" : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(department)))[..10];
}
