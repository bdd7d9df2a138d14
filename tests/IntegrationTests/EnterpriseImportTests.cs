using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Enterprises.Import;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Demo;
using MiniExcelLibs;

namespace Marketplace.IntegrationTests;

/// <summary>
/// The streamed import against what the import did when it held the whole file: the same problems with the same row
/// numbers, the same counts, the same firms written, from JSON and from a sheet.
/// </summary>
public sealed class EnterpriseImportTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Import_OfAFileWithProblemsSpreadThroughIt_ReportsWhatTheWholeFileImportReported()
    {
        var firms = Firms(5_000);
        var expected = ReportOfTheWholeFile(firms.Select((f, i) => new RawRow(i + 1, Values(f))).ToList());
        Assert.InRange(expected.Issues.Count, 100, EnterpriseImport.ListedIssues); // the file does have problems, all listed
        var path = WriteJson(firms);
        try
        {
            var dry = await ImportAsync(path, dryRun: true);
            var first = await ImportAsync(path, dryRun: false);
            var second = await ImportAsync(path, dryRun: false);

            foreach (var report in new[] { dry, first, second })
            {
                Assert.Equal(expected.Issues, report.Issues);
                Assert.Equal((firms.Count, expected.Valid, expected.Issues.Count), (report.Rows, report.Valid, report.IssueCount));
            }
            Assert.Equal(expected.Valid, dry.Inserted);
            Assert.Equal((expected.Valid, 0, 0), (first.Inserted, first.Updated, first.Unchanged));
            Assert.Equal((0, 0, expected.Valid), (second.Inserted, second.Updated, second.Unchanged));
            await using var conn = await app.Get<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();
            Assert.Equal(expected.Valid, await conn.ExecuteScalarAsync<int>(
                "select count(*) from enterprises.enterprises where credit_code = any(@codes)", new { codes = expected.Codes.ToArray() }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [PostgresFact]
    public async Task Import_OfTheSameFirmsAsASheet_ReportsTheSameProblemsOneRowLower()
    {
        var firms = Firms(1_200);
        var json = WriteJson(firms);
        var xlsx = Path.ChangeExtension(json, ".xlsx");
        try
        {
            await MiniExcel.SaveAsAsync(xlsx, firms.Select(Values).Select(v => v.ToDictionary(kv => kv.Key, kv => (object?)kv.Value)));
            var fromJson = await ImportAsync(json, dryRun: true);
            var fromSheet = await ImportAsync(xlsx, dryRun: true);

            Assert.NotEmpty(fromJson.Issues);
            Assert.Equal(fromJson.Issues.Select(i => i with { Row = i.Row + 1, Reason = Renumbered(i.Reason) }), fromSheet.Issues);
            Assert.Equal((fromJson.Rows, fromJson.Valid, fromJson.Inserted), (fromSheet.Rows, fromSheet.Valid, fromSheet.Inserted));
        }
        finally
        {
            File.Delete(json);
            File.Delete(xlsx);
        }
    }

    [PostgresFact]
    public async Task Import_WithMoreProblemsThanAReportLists_ListsTheFirstAndCountsAll()
    {
        // Every row lacks its industry, and the last two repeat the credit code of a good row at the start.
        var firms = Firms(1_500, withProblems: false).Select((f, i) => f with { Industry = i < 10 ? f.Industry : "" }).ToList();
        firms.AddRange([firms[0], firms[1]]);
        var expected = ReportOfTheWholeFile(firms.Select((f, i) => new RawRow(i + 1, Values(f))).ToList());
        var path = WriteJson(firms);
        try
        {
            var report = await ImportAsync(path, dryRun: true);

            Assert.True(expected.Issues.Count > EnterpriseImport.ListedIssues);
            Assert.Equal(expected.Issues.Count, report.IssueCount);
            Assert.Equal(expected.Issues.Take(EnterpriseImport.ListedIssues), report.Issues);
            Assert.Equal((10, 10), (report.Valid, report.Inserted));
            Assert.Contains($"问题 {expected.Issues.Count} 处", report.Summary);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [PostgresFact]
    public async Task Import_OfAFileCutOffHalfWay_WritesNothing()
    {
        // Firms past the ones the other tests here import, so none of them is in the database yet.
        var firms = Firms(8_000, withProblems: false)[6_000..];
        var path = WriteJson(firms);
        try
        {
            var text = await File.ReadAllTextAsync(path);
            await File.WriteAllTextAsync(path, text[..(text.Length * 3 / 4)]);

            Assert.Contains("第 ", (await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync(path, dryRun: false))).Message);

            await using var conn = await app.Get<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();
            Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
                "select count(*) from enterprises.enterprises where credit_code = any(@codes)", new { codes = firms.Select(f => f.CreditCode).ToArray() }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<ImportReport> ImportAsync(string path, bool dryRun)
    {
        await using var stream = File.OpenRead(path);
        return await app.Get<EnterpriseImport>().RunAsync(ImportReaders.ReadAsync(path, stream), dryRun, null, default);
    }

    /// <summary>What the import reported when it read the whole file into a list first (its code before streaming).</summary>
    private (int Valid, List<ImportIssue> Issues, List<string> Codes) ReportOfTheWholeFile(IReadOnlyList<RawRow> rows)
    {
        var year = app.Get<TimeProvider>().GetUtcNow().Year;
        var issues = new List<ImportIssue>();
        var seen = new Dictionary<string, int>();
        foreach (var row in rows)
        {
            var (profile, rowIssues) = EnterpriseImport.Parse(row, year);
            if (profile is not null && seen.TryGetValue(profile.CreditCode, out var first))
                rowIssues.Add(new ImportIssue(row.Number, "统一社会信用代码", $"与第 {first} 行重复"));
            if (rowIssues.Count > 0) { issues.AddRange(rowIssues); continue; }
            seen[profile!.CreditCode] = row.Number;
        }
        return (seen.Count, issues, seen.Keys.ToList());
    }

    /// <summary>Generated firms, with problems spread through them: wrong and missing codes, repeats, unknown qualifications, words for numbers.</summary>
    private static List<FileFirm> Firms(int count, bool withProblems = true)
    {
        var firms = new List<FileFirm>();
        foreach (var f in DemoData.GenerateEnterprises(count))
        {
            var i = firms.Count;
            var firm = new FileFirm(f.Name, f.CreditCode, f.Industry, f.Region, string.Join("、", f.Qualifications), f.RegisteredCapitalWan.ToString(CultureInfo.InvariantCulture),
                f.Employees.ToString(CultureInfo.InvariantCulture), string.Join("、", f.Technologies), f.Description);
            if (withProblems)
            {
                if (i % 97 == 5) firm = firm with { CreditCode = "91110112MA0BAD" + i };
                else if (i % 151 == 7) firm = firm with { CreditCode = "" };
                else if (i % 89 == 40) firm = firm with { CreditCode = firms[i - 17].CreditCode };
                if (i % 211 == 9) firm = firm with { Qualifications = "神仙资质" };
                if (i % 307 == 11) firm = firm with { Capital = "一百万" };
            }
            firms.Add(firm);
        }
        return firms;
    }

    private sealed record FileFirm(string Name, string CreditCode, string Industry, string Region, string Qualifications, string Capital,
        string Employees, string Technologies, string Description);

    private static Dictionary<string, string?> Values(FileFirm f) => new()
    {
        ["name"] = f.Name, ["creditCode"] = f.CreditCode, ["industry"] = f.Industry, ["region"] = f.Region, ["qualifications"] = f.Qualifications,
        ["registeredCapitalWan"] = f.Capital, ["employees"] = f.Employees, ["technologies"] = f.Technologies, ["description"] = f.Description,
    };

    private static string WriteJson(IEnumerable<FileFirm> firms)
    {
        var path = Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(firms.Select(Values)));
        return path;
    }

    /// <summary>“与第 12 行重复” in a JSON file is “与第 13 行重复” in a sheet, whose header is row 1.</summary>
    private static string Renumbered(string reason) =>
        System.Text.RegularExpressions.Regex.Replace(reason, @"^与第 (\d+) 行重复$", m => $"与第 {int.Parse(m.Groups[1].Value) + 1} 行重复");
}
