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

/// <param name="Issues">The first <see cref="EnterpriseImport.ListedIssues"/> problems in row order.</param>
/// <param name="IssueCount">All problems, listed or not.</param>
public sealed record ImportReport(int Rows, int Valid, int Inserted, int Updated, int Unchanged, IReadOnlyList<ImportIssue> Issues, int IssueCount, bool DryRun)
{
    public string Summary => DryRun
        ? $"试导入：共 {Rows} 行，有效 {Valid} 行（新增 {Inserted}，更新或不变 {Valid - Inserted}），问题 {IssueCount} 处"
        : $"导入完成：共 {Rows} 行，新增 {Inserted}，更新 {Updated}，未变 {Unchanged}，问题 {IssueCount} 处";
}

/// <summary>
/// Bulk import of enterprise lists, streamed: each row is checked as it is read and bad ones reported with row, field
/// and reason; good rows go straight into a COPY to a temporary table, so the process holds one row at a time whatever
/// the file's size (a million firms). Duplicates within the file are found there, and the rest upserted by credit code
/// in one statement, so importing the same file twice changes nothing. The whole file is one transaction: a file that
/// turns out unreadable half-way writes nothing. Qualifications in an officer's import come from authoritative lists
/// and count as verified.
/// </summary>
public sealed class EnterpriseImport(NpgsqlDataSource db, TimeProvider clock, OutboxSignal outbox)
{
    public const string DirectoryImportedV1 = "enterprises.directory_imported.v1";

    /// <summary>How many problems a report lists (a file of a million bad rows still gives a report a page can show).</summary>
    public const int ListedIssues = 1000;

    private static readonly Dictionary<string, string> FieldLabels = new()
    {
        ["Name"] = "企业名称", ["CreditCode"] = "统一社会信用代码", ["Industry"] = "行业", ["Region"] = "注册地",
        ["RegisteredCapitalWan"] = "注册资本", ["Employees"] = "员工人数", ["Technologies"] = "技术", ["Description"] = "简介",
        ["Cases"] = "案例", ["ContactEmail"] = "联系邮箱", ["Qualifications"] = "资质",
    };

    /// <param name="rowsRead">Rows read so far, every few thousand (the file's size is not known in rows).</param>
    /// <exception cref="InvalidDataException">The file cannot be read (<see cref="ImportReaders.ReadAsync"/>); nothing is written.</exception>
    public async Task<ImportReport> RunAsync(IAsyncEnumerable<RawRow> rows, bool dryRun, IProgress<int>? rowsRead, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var issues = new List<ImportIssue>();
        var (rowCount, issueCount, staged) = (0, 0, 0);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await CreateStagingAsync(conn, tx, ct);
        await using (var copy = await BeginCopyAsync(conn, ct))
        {
            await foreach (var row in rows.WithCancellation(ct))
            {
                var (profile, rowIssues) = Parse(row, now.Year);
                if (profile is null)
                {
                    issueCount += rowIssues.Count;
                    issues.AddRange(rowIssues.Take(ListedIssues - issues.Count));
                }
                else
                {
                    await WriteRowAsync(copy, row.Number, profile, ct);
                    staged++;
                }
                if (++rowCount % 5_000 == 0) rowsRead?.Report(rowCount);
            }
            await copy.CompleteAsync(ct);
        }
        rowsRead?.Report(rowCount);

        var (duplicateCount, duplicates) = await RemoveDuplicatesAsync(conn, tx, ct);
        issueCount += duplicateCount;
        var listed = issues.Concat(duplicates).OrderBy(i => i.Row).Take(ListedIssues).ToList();
        var valid = staged - duplicateCount;
        if (dryRun)
        {
            var existing = await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
                select count(*)::int from import_rows r where exists (select 1 from enterprises.enterprises e where e.credit_code = r.credit_code)
                """, transaction: tx, commandTimeout: 600, cancellationToken: ct));
            return new ImportReport(rowCount, valid, valid - existing, 0, 0, listed, issueCount, DryRun: true);
        }

        var (inserted, updated) = await UpsertAsync(conn, tx, valid, now, ct);
        await tx.CommitAsync(ct);
        outbox.Notify();
        return new ImportReport(rowCount, valid, inserted, updated, valid - inserted - updated, listed, issueCount, DryRun: false);
    }

    /// <summary>Writes profiles that are already known to be valid (the demo set), streamed like a file; returns (inserted, updated).</summary>
    public async Task<(int Inserted, int Updated)> ImportProfilesAsync(IEnumerable<EnterpriseProfile> profiles, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await CreateStagingAsync(conn, tx, ct);
        var count = 0;
        await using (var copy = await BeginCopyAsync(conn, ct))
        {
            foreach (var p in profiles) await WriteRowAsync(copy, ++count, p, ct);
            await copy.CompleteAsync(ct);
        }
        var result = await UpsertAsync(conn, tx, count, clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static Task CreateStagingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            create temporary table import_rows (
                file_row int, id uuid, name text, credit_code text, industry text, region text, qualifications text[],
                registered_capital_wan numeric, employees int, technologies text[], description text, cases jsonb, contact_email text
            ) on commit drop
            """, transaction: tx, cancellationToken: ct));

    private static Task<NpgsqlBinaryImporter> BeginCopyAsync(NpgsqlConnection conn, CancellationToken ct) =>
        conn.BeginBinaryImportAsync("""
            copy import_rows (file_row, id, name, credit_code, industry, region, qualifications, registered_capital_wan, employees,
                              technologies, description, cases, contact_email) from stdin (format binary)
            """, ct);

    private static async Task WriteRowAsync(NpgsqlBinaryImporter copy, int fileRow, EnterpriseProfile p, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(fileRow, NpgsqlDbType.Integer, ct);
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
    }

    /// <summary>
    /// A credit code that comes again later in the file is a problem of the later row (the first one is imported). They
    /// are found in the database so that no set of a million codes is held in memory. Returns how many, and the first
    /// <see cref="ListedIssues"/> as problems.
    /// </summary>
    private static async Task<(int Count, IReadOnlyList<ImportIssue> Listed)> RemoveDuplicatesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("""
            create temporary table import_duplicates on commit drop as
            select file_row, first_row from (
                select file_row, min(file_row) over (partition by credit_code) as first_row from import_rows) r
            where file_row <> first_row
            """, transaction: tx, commandTimeout: 600, cancellationToken: ct));
        var count = await conn.ExecuteAsync(new CommandDefinition(
            "delete from import_rows r using import_duplicates d where r.file_row = d.file_row", transaction: tx, commandTimeout: 600, cancellationToken: ct));
        if (count == 0) return (0, []);
        var listed = await conn.QueryAsync<(int Row, int First)>(new CommandDefinition(
            "select file_row, first_row from import_duplicates order by file_row limit @limit", new { limit = ListedIssues }, tx, cancellationToken: ct));
        return (count, listed.Select(d => new ImportIssue(d.Row, "统一社会信用代码", $"与第 {d.First} 行重复")).ToList());
    }

    /// <summary>Upserts the staged rows by credit code, with their qualifications, the audit entry and the indexing event; returns (inserted, updated).</summary>
    private static async Task<(int Inserted, int Updated)> UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int rows, DateTimeOffset now, CancellationToken ct)
    {
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
                new { rows, inserted, updated }, now, ct);
        if (inserted + updated > 0)
            await OutboxWriter.EnqueueAsync(conn, tx, DirectoryImportedV1, $"{DirectoryImportedV1}:{now.UtcTicks}",
                new { inserted, updated }, now, ct);
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
