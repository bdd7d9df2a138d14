using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Profiles;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Enterprises.Import;

public sealed record ImportIssue(int Row, string Field, string Reason);

public sealed record ImportReport(int Rows, int Valid, int Inserted, int Updated, int Unchanged, IReadOnlyList<ImportIssue> Issues, bool DryRun)
{
    public string Summary => DryRun
        ? $"试导入：共 {Rows} 行，有效 {Valid} 行（新增 {Inserted}，更新或不变 {Valid - Inserted}），问题 {Issues.Count} 处"
        : $"导入完成：共 {Rows} 行，新增 {Inserted}，更新 {Updated}，未变 {Unchanged}，问题 {Issues.Count} 处";
}

/// <summary>
/// Bulk import of enterprise lists: every row is checked and bad ones reported with row, field and reason; good rows
/// are upserted by credit code in one statement from a COPY-loaded temporary table, so importing the same file twice
/// changes nothing. Qualifications in an officer's import come from authoritative lists and count as verified.
/// </summary>
public sealed class EnterpriseImport(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public const string DirectoryImportedV1 = "enterprises.directory_imported.v1";

    private static readonly Dictionary<string, string> FieldLabels = new()
    {
        ["Name"] = "企业名称", ["CreditCode"] = "统一社会信用代码", ["Industry"] = "行业", ["Region"] = "注册地",
        ["RegisteredCapitalWan"] = "注册资本", ["Employees"] = "员工人数", ["Technologies"] = "技术", ["Description"] = "简介",
        ["Cases"] = "案例", ["ContactEmail"] = "联系邮箱", ["Qualifications"] = "资质",
    };

    public async Task<ImportReport> RunAsync(IReadOnlyList<RawRow> rows, bool dryRun, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var issues = new List<ImportIssue>();
        var valid = new List<EnterpriseProfile>();
        var seen = new Dictionary<string, int>();
        foreach (var row in rows)
        {
            var (profile, rowIssues) = Parse(row, now.Year);
            if (profile is not null && seen.TryGetValue(profile.CreditCode, out var first))
                rowIssues.Add(new ImportIssue(row.Number, "统一社会信用代码", $"与第 {first} 行重复"));
            if (rowIssues.Count > 0) { issues.AddRange(rowIssues); continue; }
            seen[profile!.CreditCode] = row.Number;
            valid.Add(profile);
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        if (dryRun)
        {
            var existing = await conn.ExecuteScalarAsync<int>(new CommandDefinition(
                "select count(*) from enterprises.enterprises where credit_code = any(@codes)",
                new { codes = valid.Select(v => v.CreditCode).ToArray() }, cancellationToken: ct));
            return new ImportReport(rows.Count, valid.Count, valid.Count - existing, 0, 0, issues, DryRun: true);
        }

        var (inserted, updated) = await WriteAsync(conn, valid, now, progress, ct);
        outbox.Notify();
        return new ImportReport(rows.Count, valid.Count, inserted, updated, valid.Count - inserted - updated, issues, DryRun: false);
    }

    /// <summary>Writes profiles that are already known to be valid (the demo set); returns (inserted, updated).</summary>
    public async Task<(int Inserted, int Updated)> ImportProfilesAsync(IReadOnlyList<EnterpriseProfile> profiles, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await WriteAsync(conn, profiles, clock.GetUtcNow(), null, ct);
    }

    private static async Task<(int Inserted, int Updated)> WriteAsync(NpgsqlConnection conn, IReadOnlyList<EnterpriseProfile> valid,
        DateTimeOffset now, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            create temporary table import_rows (
                id uuid, name text, credit_code text, industry text, region text, qualifications text[],
                registered_capital_wan numeric, employees int, technologies text[], description text, cases jsonb, contact_email text
            ) on commit drop
            """, transaction: tx, cancellationToken: ct));
        await using (var copy = await conn.BeginBinaryImportAsync(
            "copy import_rows (id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees, technologies, description, cases, contact_email) from stdin (format binary)", ct))
        {
            var done = 0;
            foreach (var p in valid)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(p.Name, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.CreditCode, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.Industry, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.Region, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.Qualifications.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.RegisteredCapitalWan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(p.Employees, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(p.Technologies.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.Description, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(JsonSerializer.Serialize(p.Cases, EnterpriseStore.Json), NpgsqlDbType.Jsonb, ct);
                if (p.ContactEmail is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(p.ContactEmail, NpgsqlDbType.Text, ct);
                if (++done % 5_000 == 0) progress?.Report((done, valid.Count));
            }
            await copy.CompleteAsync(ct);
        }
        progress?.Report((valid.Count, valid.Count));

        // xmax = 0 marks a freshly inserted row; an update that changes nothing is skipped by the WHERE.
        var (inserted, updated) = await conn.QuerySingleAsync<(int, int)>(new CommandDefinition("""
            with upserted as (
                insert into enterprises.enterprises as e
                    (id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees, technologies,
                     description, cases, contact_email, public_card, created_at, updated_at)
                select id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees, technologies,
                       description, cases, contact_email, true, @now, @now
                from import_rows
                on conflict (credit_code) do update set
                    name = excluded.name, industry = excluded.industry, region = excluded.region,
                    qualifications = excluded.qualifications, registered_capital_wan = excluded.registered_capital_wan,
                    employees = excluded.employees, technologies = excluded.technologies, description = excluded.description,
                    cases = excluded.cases, contact_email = coalesce(excluded.contact_email, e.contact_email), updated_at = excluded.updated_at
                    where (e.name, e.industry, e.region, e.qualifications, e.registered_capital_wan, e.employees, e.technologies, e.description, e.cases)
                      is distinct from
                      (excluded.name, excluded.industry, excluded.region, excluded.qualifications, excluded.registered_capital_wan,
                       excluded.employees, excluded.technologies, excluded.description, excluded.cases)
                returning (xmax = 0) as inserted
            )
            select count(*) filter (where inserted)::int, count(*) filter (where not inserted)::int from upserted
            """, new { now }, tx, commandTimeout: 600, cancellationToken: ct));

        await conn.ExecuteAsync(new CommandDefinition("""
            insert into enterprises.qualifications (id, enterprise_id, kind, evidence, status, declared_at, reviewed_at)
            select gen_random_uuid(), e.id, k.kind, '名单导入', 'verified', @now, @now
            from import_rows r
            join enterprises.enterprises e on e.credit_code = r.credit_code
            cross join lateral unnest(r.qualifications) as k(kind)
            on conflict (enterprise_id, kind) do nothing
            """, new { now }, tx, commandTimeout: 600, cancellationToken: ct));

        if (inserted + updated > 0)
            await AuditLog.AppendAsync(conn, tx, null, "enterprise.directory_imported", "directory", "enterprises", null,
                new { rows = valid.Count, inserted, updated }, now, ct);
        if (inserted + updated > 0)
            await OutboxWriter.EnqueueAsync(conn, tx, DirectoryImportedV1, $"{DirectoryImportedV1}:{now.UtcTicks}",
                new { inserted, updated }, now, ct);
        await tx.CommitAsync(ct);
        return (inserted, updated);
    }

    internal static (EnterpriseProfile? Profile, List<ImportIssue> Issues) Parse(RawRow row, int year)
    {
        var issues = new List<ImportIssue>();
        string? Get(string key) => row.Values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        decimal Number(string key, string label)
        {
            var text = Get(key);
            if (text is null) return 0;
            if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return d;
            issues.Add(new ImportIssue(row.Number, label, $"“{text}”不是数字"));
            return 0;
        }

        var capital = Number("registeredCapitalWan", "注册资本");
        var employees = Number("employees", "员工人数");
        if (employees != Math.Floor(employees)) issues.Add(new ImportIssue(row.Number, "员工人数", "应为整数"));
        var qualifications = ImportReaders.SplitList(Get("qualifications")).Distinct().ToList();
        foreach (var q in qualifications.Where(q => !DirectoryLists.Qualifications.Contains(q)))
            issues.Add(new ImportIssue(row.Number, "资质", $"未知资质“{q}”（可选：{string.Join("、", DirectoryLists.Qualifications)}）"));
        var cases = (Get("cases") ?? "").Split(['；', ';', '\n', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => new EnterpriseCase(c)).ToList();

        var profile = new EnterpriseProfile(Guid.Empty, Get("name") ?? "", (Get("creditCode") ?? "").ToUpperInvariant(), Get("industry") ?? "",
            Get("region") ?? "", qualifications, capital, (int)Math.Clamp(employees, int.MinValue, int.MaxValue),
            ImportReaders.SplitList(Get("technologies")).Distinct().ToList(), Get("description") ?? "", cases, Get("contactEmail"));
        foreach (var e in ProfileRules.Check(profile, null, year))
            issues.Add(new ImportIssue(row.Number, FieldLabels.GetValueOrDefault(e.Field ?? "", e.Field ?? ""), e.Message));
        return (issues.Count == 0 ? profile : null, issues);
    }
}
