using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Enterprises.Import;
using Marketplace.Web.Demo;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Benchmarks;

/// <summary>
/// National-scale data for the page benchmarks, deterministic from a fixed seed: firms from the demo's synthetic-firm
/// generator (through the real enterprise import), then scenarios over five years and several batches in every stage,
/// applications, review assignments and scores, awards, milestones, invitations, outbox history and the audit chain —
/// loaded by binary COPY. Runs on a migrated database that already holds the demo (its accounts sign the benchmark in);
/// the demo member's firm gets a realistic share of the applications, so its workbench is measured at scale too.
/// The audit entries are staged and then chained by PostgreSQL with the same hash expression the application writes
/// (<see cref="Marketplace.BuildingBlocks.Audit.AuditLog"/>), so <c>verify-audit</c> holds afterwards.
/// </summary>
internal static class ScaleData
{
    public sealed record Size(int Firms, int Scenarios, int Applications)
    {
        public static Size National => new(100_000, 10_000, 200_000);

        public static Size FromEnvironment()
        {
            var n = National;
            int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) && v > 0 ? v : fallback;
            return new(Env("SCALE_FIRMS", n.Firms), Env("SCALE_SCENARIOS", n.Scenarios), Env("SCALE_APPLICATIONS", n.Applications));
        }
    }

    private sealed record Seed(string Category, string Domain, string Location, string Title, string Summary, string Description,
        string[] Technologies, string Mode, string[] Qualifications, decimal MinRegisteredCapitalWan, decimal BudgetMinWan, decimal BudgetMaxWan);

    private sealed record Firm(Guid Id, string Name, string Region, string[] Technologies);

    private sealed record Sc(Guid Id, string Code, string Status, int Slots, DateTimeOffset OpensAt, DateTimeOffset ClosesAt,
        DateTimeOffset? PublishedAt, decimal BudgetMin, decimal BudgetMax, string Title);

    private sealed record App(Guid Id, Guid ScenarioId, Guid EnterpriseId, Guid SubmittedBy, string Status, DateTimeOffset CreatedAt,
        DateTimeOffset? SubmittedAt, decimal Quote);

    private sealed record Audit(DateTimeOffset At, Guid? Actor, string Action, string EntityType, string EntityId, string? After);

    private static readonly string[] Towns = ["宋庄镇", "张家湾镇", "台湖镇", "潞城镇", "永顺镇", "梨园镇", "马驹桥镇", "漷县镇", "西集镇", "于家务乡", "北苑街道", "玉桥街道", "中仓街道", "新华街道"];
    private static readonly string[] Numbers = ["一", "二", "三", "四"];
    private static readonly string[] Criteria = ["技术方案", "团队与案例", "实施计划", "报价合理性"];
    private static readonly string[] Reasons = ["注册资本低于要求", "缺少高新技术企业资质", "注册地不在允许范围内", "未在截止前确认修改后的条款"];

    public static async Task<int> LoadAsync(string connectionString, Size size, DateTimeOffset now)
    {
        var total = Stopwatch.StartNew();
        var random = new Random(2027);
        // No command timeout: on a busy machine a COPY of a million rows outlasts Npgsql's default 30 s.
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        Console.WriteLine($"scale data: {size.Firms:N0} firms, {size.Scenarios:N0} scenarios, {size.Applications:N0} applications (seed 2027)");

        // 1. Firms: the same generator as the matching and import benchmarks, through the real import (COPY + upsert).
        var t = Stopwatch.StartNew();
        await new EnterpriseImport(db, TimeProvider.System, new Marketplace.BuildingBlocks.Outbox.OutboxSignal())
            .ImportProfilesAsync(DemoData.GenerateEnterprises(size.Firms), default);
        Console.WriteLine($"  firms imported in {t.Elapsed.TotalSeconds:0.0} s");

        await using var conn = await db.OpenConnectionAsync();
        var firms = new List<Firm>();
        await using (var cmd = new NpgsqlCommand("select id, name, region, technologies from enterprises.enterprises order by credit_code", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) firms.Add(new Firm(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3)));
        var officerId = await Scalar<Guid>(conn, "select id from accounts.users where role = 'officer' order by created_at limit 1");
        var members = new Dictionary<Guid, Guid>();
        await using (var cmd = new NpgsqlCommand("select enterprise_id, id from accounts.users where enterprise_id is not null", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) members[r.GetGuid(0)] = r.GetGuid(1);
        var passwordHash = await Scalar<string>(conn, "select password_hash from accounts.users where role = 'officer' order by created_at limit 1");

        // 2. Reviewers (they sign in with the demo password).
        var reviewers = Enumerable.Range(1, 300).Select(i => StableId($"reviewer:{i}")).ToArray();
        await CopyAsync(conn, "accounts.users (id, email, display_name, password_hash, role, department, email_verified_at, created_at)", reviewers.Select((id, i) =>
            new object?[] { id, $"reviewer{i + 1}@scale.example.cn", $"评审专家{i + 1:000}", passwordHash, "reviewer", "专家库", now.AddYears(-4), now.AddYears(-4) }),
            [NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz]);

        // 3. Scenarios: five years, four batches a year; the current year is open or in review, earlier years delivered.
        t.Restart();
        await using var seedsStream = typeof(DemoData).Assembly.GetManifestResourceStream("Marketplace.Web.Demo.scenarios.json")!;
        var seeds = JsonSerializer.Deserialize<Seed[]>(seedsStream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var thisYear = now.ToOffset(TimeSpan.FromHours(8)).Year;
        var scenarios = new List<Sc>(size.Scenarios);
        var scenarioRows = new List<object?[]>(size.Scenarios);
        var audit = new List<Audit>();
        var perYear = new Dictionary<int, int>();
        for (var i = 0; i < size.Scenarios; i++)
        {
            var s = seeds[random.Next(seeds.Length)];
            var year = thisYear - 4 + i % 5;
            var number = perYear[year] = perYear.GetValueOrDefault(year) + 1;
            var code = $"SC-{year}-{number + 1000:0000}";
            var batchNo = random.Next(4);
            var town = Towns[random.Next(Towns.Length)];
            var title = $"{(s.Location.Length > 0 && random.Next(3) > 0 ? s.Location : town)}{s.Title}" + (random.Next(3) == 0 ? $"（{year}年第{Numbers[batchNo]}批）" : "");
            if (title.Length > 120) title = title[..120];
            string status;
            DateTimeOffset opens;
            if (year == thisYear)
            {
                var roll = random.NextDouble();
                status = roll switch
                {
                    < 0.40 => "published", < 0.48 => "closed", < 0.58 => "reviewing", < 0.63 => "publicity", < 0.70 => "awarded",
                    < 0.78 => "in_delivery", < 0.85 => "draft", < 0.90 => "submitted", < 0.94 => "rejected", < 0.97 => "withdrawn", _ => "cancelled",
                };
                opens = status is "published" or "draft" or "submitted"
                    ? now.AddDays(-random.Next(1, 40)) : now.AddDays(-random.Next(60, 200));
            }
            else
            {
                var roll = random.NextDouble();
                status = roll switch
                {
                    < 0.45 => "landed", < 0.70 => "in_delivery", < 0.78 => "awarded", < 0.86 => "cancelled", < 0.91 => "terminated",
                    < 0.96 => "rejected", _ => "withdrawn",
                };
                opens = new DateTimeOffset(year, 1, 1, 1, 0, 0, TimeSpan.Zero).AddDays(batchNo * 90 + random.Next(60));
            }
            var closes = status == "published" ? now.AddDays(random.Next(3, 60)).AddHours(9 - now.Hour) : opens.AddDays(30 + random.Next(30));
            // Past the application window by now unless open: a closed scenario never closes in the future.
            if (status != "published" && closes > now) closes = now.AddDays(-1 - random.Next(20));
            if (closes <= opens) closes = opens.AddDays(30);
            var published = status is "draft" or "submitted" or "rejected" ? (DateTimeOffset?)null : opens;
            var horseRace = s.Mode == "赛马";
            var slots = horseRace ? 3 : 1;
            var partners = random.Next(10) == 0;
            var id = StableId("scale-scenario:" + code);
            var budgetScale = 0.6m + (decimal)random.NextDouble();
            var (bmin, bmax) = (Math.Round(s.BudgetMinWan * budgetScale), Math.Round(s.BudgetMaxWan * budgetScale));
            var description = s.Description.Replace(s.Location.Length > 0 ? s.Location : "\u0000", town);
            scenarios.Add(new Sc(id, code, status, slots, opens, closes, published, bmin, bmax, title));
            var closedAt = status is "draft" or "submitted" or "rejected" or "withdrawn" or "published" ? (DateTimeOffset?)null : closes;
            scenarioRows.Add([
                id, code, title, s.Summary, description, s.Category, s.Domain, s.Location.Length > 0 ? s.Location : town, s.Technologies,
                $"{year}年第{Numbers[batchNo]}批", OwnerFor(s.Category), bmin, bmax, horseRace ? "horse_race" : "single", slots, opens, closes,
                s.Qualifications, s.MinRegisteredCapitalWan, Array.Empty<string>(), status, opens.AddDays(-10), closedAt ?? opens, published,
                closedAt, partners ? "partners" : "public", partners ? new[] { "北三县·三河市", "雄安新区" } : Array.Empty<string>(),
                status is "publicity" or "awarded" or "in_delivery" or "landed" or "terminated" ? "综合评分排名靠前，方案可行" : null,
                status == "publicity" ? now.AddDays(random.Next(1, 7)) : null, "张" + Numbers[random.Next(4)] + "（" + OwnerFor(s.Category) + "）",
            ]);
            audit.Add(new(opens.AddDays(-10), officerId, "scenario.created", "scenario", id.ToString(), Json(new { code, title })));
            if (published is { } p) audit.Add(new(p, officerId, "scenario.published", "scenario", id.ToString(), Json(new { status = "published" })));
            if (closedAt is { } c) audit.Add(new(c, null, "scenario.closed", "scenario", id.ToString(), Json(new { status = "closed" })));
        }
        await CopyAsync(conn, """
            scenarios.scenarios (id, code, title, summary, description, category, domain, location, technologies, batch, owner_department,
                budget_min_wan, budget_max_wan, mode, award_slots, opens_at, closes_at, required_qualifications, min_registered_capital_wan,
                allowed_regions, status, created_at, updated_at, published_at, closed_at, visibility, partner_regions, decision_reason,
                publicity_ends_at, responsible_person)
            """, scenarioRows,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
             NpgsqlDbType.Text, NpgsqlDbType.Array | NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Numeric, NpgsqlDbType.Numeric,
             NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Array | NpgsqlDbType.Text,
             NpgsqlDbType.Numeric, NpgsqlDbType.Array | NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz,
             NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.Array | NpgsqlDbType.Text, NpgsqlDbType.Text,
             NpgsqlDbType.TimestampTz, NpgsqlDbType.Text]);
        Console.WriteLine($"  {scenarios.Count:N0} scenarios in {t.Elapsed.TotalSeconds:0.0} s");

        // 4. Applications: spread over the scenarios that took applications, more on some than on others; the demo
        // members' firms apply to about one scenario in 250 of those, so their workbench holds dozens of rows.
        t.Restart();
        var takes = scenarios.Where(s => s.PublishedAt is not null && s.Status != "withdrawn").ToList();
        var weights = takes.Select(s => s.Status == "cancelled" ? 0 : Math.Exp(random.NextDouble() * 2.5)).ToArray();
        var weightSum = weights.Sum();
        var apps = new List<App>(size.Applications);
        var demoFirms = members.Keys.ToArray();
        for (var k = 0; k < takes.Count && apps.Count < size.Applications; k++)
        {
            var s = takes[k];
            var count = (int)Math.Round(size.Applications * weights[k] / weightSum);
            if (s.Status == "cancelled") count = random.Next(0, 2);
            var chosen = new HashSet<Guid>();
            if (random.Next(250) == 0 || k % 97 == 0) foreach (var f in demoFirms) chosen.Add(f);
            while (chosen.Count < count) chosen.Add(firms[random.Next(firms.Count)].Id);
            var ranked = chosen.ToList();
            var winners = s.Status is "publicity" or "awarded" or "in_delivery" or "landed" or "terminated" ? Math.Min(s.Slots, ranked.Count) : 0;
            for (var n = 0; n < ranked.Count; n++)
            {
                var firm = ranked[n];
                var created = s.OpensAt.AddHours(random.Next(1, Math.Max(2, (int)(s.ClosesAt - s.OpensAt).TotalHours - 1)));
                if (created > now) created = now.AddMinutes(-random.Next(1, 600));
                var roll = random.NextDouble();
                var status = s.Status switch
                {
                    "published" => roll < 0.2 ? "draft" : roll < 0.95 ? "submitted" : "withdrawn",
                    "closed" or "reviewing" => roll < 0.85 ? "eligible" : roll < 0.95 ? "ineligible" : "withdrawn",
                    "cancelled" => "ineligible",
                    "publicity" => n < winners ? "shortlisted" : roll < 0.9 ? "eligible" : "ineligible",
                    _ => n < winners ? "awarded" : roll < 0.9 ? "not_awarded" : "ineligible",
                };
                var quote = Math.Round(s.BudgetMin + (s.BudgetMax - s.BudgetMin) * (decimal)random.NextDouble());
                apps.Add(new App(StableId($"scale-app:{s.Code}:{firm}"), s.Id, firm, members.GetValueOrDefault(firm, StableId("scale-member:" + firm)),
                    status, created, status == "draft" ? null : created, quote));
            }
        }
        var firmById = firms.ToDictionary(f => f.Id);
        await CopyAsync(conn, """
            scenarios.applications (id, scenario_id, enterprise_id, submitted_by, status, approach, quoted_budget_wan, created_at, updated_at,
                submitted_at, withdrawn_at, ineligible_reasons, team, schedule, past_cases, declared_truthful, declared_no_double_funding)
            """, apps.Select(a =>
            {
                var f = firmById[a.EnterpriseId];
                var techs = string.Join("、", f.Technologies);
                return new object?[]
                {
                    a.Id, a.ScenarioId, a.EnterpriseId, a.SubmittedBy, a.Status,
                    $"{f.Name}拟以{techs}为核心，先完成现场调研和需求梳理，再分期部署、试运行并持续优化，确保达到场景提出的各项指标。",
                    a.Quote, a.CreatedAt, a.SubmittedAt ?? a.CreatedAt, a.SubmittedAt, a.Status == "withdrawn" ? a.CreatedAt.AddDays(2) : null,
                    a.Status == "ineligible" ? new[] { Reasons[(int)(a.Quote % Reasons.Length)] } : Array.Empty<string>(),
                    "项目负责人1名，技术骨干6名，实施工程师10名", "第1月调研设计，第2—4月部署实施，第5—6月试运行与验收",
                    "近三年完成同类项目3个", a.Status != "draft", a.Status != "draft",
                };
            }),
            [NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Numeric,
             NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Array | NpgsqlDbType.Text,
             NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Boolean, NpgsqlDbType.Boolean]);
        foreach (var a in apps.Where(a => a.SubmittedAt is not null))
            audit.Add(new(a.SubmittedAt!.Value, a.SubmittedBy, "application.submitted", "application", a.Id.ToString(), Json(new { status = "submitted", quotedBudgetWan = a.Quote })));
        Console.WriteLine($"  {apps.Count:N0} applications in {t.Elapsed.TotalSeconds:0.0} s");

        // 5. Reviews: two reviewers per application that got past the eligibility check, scored once the stage is over.
        t.Restart();
        var byId = scenarios.ToDictionary(s => s.Id);
        var assignments = new List<object?[]>();
        var scores = new List<object?[]>();
        foreach (var a in apps.Where(a => a.Status is "eligible" or "shortlisted" or "awarded" or "not_awarded"))
        {
            var s = byId[a.ScenarioId];
            if (s.Status == "closed") continue;
            var first = random.Next(reviewers.Length);
            foreach (var reviewer in new[] { reviewers[first], reviewers[(first + 1 + random.Next(reviewers.Length - 1)) % reviewers.Length] })
            {
                var id = StableId($"scale-review:{a.Id}:{reviewer}");
                var done = s.Status != "reviewing" || random.Next(2) == 0;
                var assigned = s.ClosesAt.AddDays(1);
                assignments.Add([id, a.Id, reviewer, officerId, assigned, done ? "submitted" : "assigned", done ? assigned.AddDays(5) : null]);
                if (done)
                    foreach (var criterion in Criteria)
                        scores.Add([id, criterion, (decimal)(55 + random.Next(45)), random.Next(4) == 0 ? "方案完整，实施计划可行" : ""]);
            }
        }
        await CopyAsync(conn, "scenarios.review_assignments (id, application_id, reviewer_id, assigned_by, assigned_at, status, submitted_at)", assignments,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz]);
        await CopyAsync(conn, "scenarios.review_scores (assignment_id, criterion, score, note)", scores,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Numeric, NpgsqlDbType.Text]);
        Console.WriteLine($"  {assignments.Count:N0} review assignments, {scores.Count:N0} scores in {t.Elapsed.TotalSeconds:0.0} s");

        // 6. Awards and their milestones (the default template: plan review, pilot, acceptance).
        t.Restart();
        var awards = new List<object?[]>();
        var milestones = new List<object?[]>();
        foreach (var a in apps.Where(a => a.Status == "awarded"))
        {
            var s = byId[a.ScenarioId];
            var awardedAt = s.ClosesAt.AddDays(40);
            if (awardedAt > now) awardedAt = now.AddHours(-1);
            var status = s.Status switch { "landed" => "accepted", "terminated" => "stopped", _ => "active" };
            var id = StableId("scale-award:" + a.Id);
            awards.Add([id, a.ScenarioId, a.Id, a.EnterpriseId, awardedAt, status]);
            audit.Add(new(awardedAt, officerId, "scenario.awarded", "scenario", s.Id.ToString(), Json(new { enterpriseId = a.EnterpriseId })));
            var template = new[] { ("实施方案评审", 30, false), ("试点部署", 90, false), ("验收", 180, true) };
            for (var m = 0; m < template.Length; m++)
            {
                var (title, offset, final) = template[m];
                var due = awardedAt.AddDays(offset);
                string? verdict = status switch
                {
                    "accepted" => final ? "accepted" : "continue",
                    "stopped" => m == 0 ? "continue" : m == 1 ? "stop" : null,
                    _ when s.Status == "in_delivery" && due < now && !final => "continue",
                    _ => null,
                };
                var overdue = verdict is null && due < now && s.Status == "in_delivery" && random.Next(3) == 0 ? due.AddDays(1) : (DateTimeOffset?)null;
                milestones.Add([StableId($"scale-milestone:{id}:{m}"), id, m + 1, title, due, 0m, final,
                    verdict is null ? null : "已提交阶段成果和现场照片", verdict is null ? null : due.AddDays(-3), verdict,
                    verdict is null ? null : "按计划推进", verdict is null ? null : officerId, verdict is null ? null : due, overdue]);
            }
        }
        await CopyAsync(conn, "scenarios.awards (id, scenario_id, application_id, enterprise_id, awarded_at, status)", awards,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text]);
        await CopyAsync(conn, """
            scenarios.milestones (id, award_id, seq, title, due_at, tranche_wan, is_final, evidence, evidence_at, verdict, verdict_note,
                verdict_by, verdict_at, overdue_at)
            """, milestones,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.Numeric,
             NpgsqlDbType.Boolean, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Uuid,
             NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz]);
        Console.WriteLine($"  {awards.Count:N0} awards, {milestones.Count:N0} milestones in {t.Elapsed.TotalSeconds:0.0} s");

        // 7. Invitations of recommended firms, and the outbox's history: receipts and invitations delivered long ago.
        t.Restart();
        var invitations = new HashSet<(Guid, Guid)>();
        foreach (var s in takes.Where((_, k) => k % 2 == 0))
            for (var n = 0; n < 6; n++) invitations.Add((s.Id, firms[random.Next(firms.Count)].Id));
        await CopyAsync(conn, "matching.invitations (scenario_id, enterprise_id, invited_by, invited_at, reasons)", invitations.Select(i =>
            new object?[] { i.Item1, i.Item2, officerId, byId[i.Item1].PublishedAt, new[] { "技术匹配", "领域经验" } }),
            [NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.Uuid, NpgsqlDbType.TimestampTz, NpgsqlDbType.Array | NpgsqlDbType.Text]);
        var outbox = apps.Where(a => a.SubmittedAt is not null).Select(a => new object?[]
            {
                StableId("scale-outbox:" + a.Id), "scenarios.application_submitted.v1", $"scale:application_submitted:{a.Id}",
                Json(new { applicationId = a.Id, scenarioId = a.ScenarioId, enterpriseId = a.EnterpriseId }), "done", 1,
                a.SubmittedAt, a.SubmittedAt, a.SubmittedAt!.Value.AddSeconds(2),
            })
            .Concat(invitations.Select(i => new object?[]
            {
                StableId($"scale-outbox-invite:{i.Item1}:{i.Item2}"), "email.v1", $"matching.invitation.v1:{i.Item1}:contact-{i.Item2:N}@scale.example.cn",
                Json(new { to = $"contact-{i.Item2:N}@scale.example.cn", subject = "邀请您参与应用场景揭榜：" + byId[i.Item1].Title }), "done", 1, byId[i.Item1].PublishedAt, byId[i.Item1].PublishedAt,
                byId[i.Item1].PublishedAt!.Value.AddSeconds(5),
            })).ToList();
        await CopyAsync(conn, "outbox.messages (id, type, dedupe_key, payload, status, attempts, next_attempt_at, created_at, processed_at)", outbox,
            [NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Jsonb, NpgsqlDbType.Text, NpgsqlDbType.Integer,
             NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz]);
        Console.WriteLine($"  {invitations.Count:N0} invitations, {outbox.Count:N0} outbox messages in {t.Elapsed.TotalSeconds:0.0} s");

        // 8. The audit chain: staged in time order, then appended after the existing entries with the application's hash.
        t.Restart();
        audit = audit.Select(e => e.At > now ? e with { At = now } : e).ToList();
        audit.Sort((x, y) => x.At.CompareTo(y.At));
        await Execute(conn, """
            create temporary table scale_audit (n bigint, id uuid, recorded_at timestamptz, actor_id uuid, action text, entity_type text,
                entity_id text, after jsonb)
            """);
        await CopyAsync(conn, "scale_audit (n, id, recorded_at, actor_id, action, entity_type, entity_id, after)", audit.Select((e, n) =>
            new object?[] { (long)n, StableId($"scale-audit:{n}"), e.At, e.Actor, e.Action, e.EntityType, e.EntityId, e.After }),
            [NpgsqlDbType.Bigint, NpgsqlDbType.Uuid, NpgsqlDbType.TimestampTz, NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text,
             NpgsqlDbType.Text, NpgsqlDbType.Jsonb]);
        // Same expression as AuditLog.HashOf: a test of the benchmark is verify-audit afterwards (printed below).
        await Execute(conn, """
            do $$
            declare
                r record;
                last_seq bigint;
                last_hash text;
                h text;
            begin
                perform pg_advisory_xact_lock(7261001);
                select seq, hash into last_seq, last_hash from audit.entries order by seq desc limit 1;
                last_seq := coalesce(last_seq, 0);
                last_hash := coalesce(last_hash, 'genesis');
                for r in select * from scale_audit order by n loop
                    last_seq := last_seq + 1;
                    h := encode(sha256(convert_to(concat_ws('|', last_seq::text, r.id::text,
                        to_char(r.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), coalesce(r.actor_id::text, ''),
                        r.action, r.entity_type, r.entity_id, '', coalesce(r.after::text, ''), last_hash), 'UTF8')), 'hex');
                    insert into audit.entries (seq, id, recorded_at, actor_id, action, entity_type, entity_id, before, after, prev_hash, hash)
                    values (last_seq, r.id, r.recorded_at, r.actor_id, r.action, r.entity_type, r.entity_id, null, r.after, last_hash, h);
                    last_hash := h;
                end loop;
            end
            $$
            """);
        Console.WriteLine($"  {audit.Count:N0} audit entries chained in {t.Elapsed.TotalSeconds:0.0} s");

        t.Restart();
        await Execute(conn, "analyze");
        Console.WriteLine($"  analyze in {t.Elapsed.TotalSeconds:0.0} s; scale data loaded in {total.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    private static string OwnerFor(string category) => category switch
    {
        "smart-city" => "区科学技术委员会",
        "cultural-tourism" => "区文化和旅游局",
        _ => "区发展和改革委员会",
    };

    private static string Json(object o) => JsonSerializer.Serialize(o, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static Guid StableId(string key) => new(MD5.HashData(Encoding.UTF8.GetBytes("marketplace-scale:" + key)));

    private static async Task<T> Scalar<T>(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task Execute(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task CopyAsync(NpgsqlConnection conn, string target, IEnumerable<object?[]> rows, NpgsqlDbType[] types)
    {
        await using var writer = await conn.BeginBinaryImportAsync($"copy {target} from stdin (format binary)");
        foreach (var row in rows)
        {
            await writer.StartRowAsync();
            for (var i = 0; i < types.Length; i++)
                if (row[i] is null) await writer.WriteNullAsync();
                else await writer.WriteAsync(row[i], types[i]);
        }
        await writer.CompleteAsync();
    }
}
