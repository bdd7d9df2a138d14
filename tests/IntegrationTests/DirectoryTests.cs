using System.Net;
using Marketplace.Enterprises.Import;
using Marketplace.Enterprises.Profiles;
using Marketplace.Enterprises.Qualifications;
using Marketplace.IntegrationTests.Support;
using Marketplace.Matching.Search;
using Marketplace.Web.Features.Accounts;
using MiniExcelLibs;

namespace Marketplace.IntegrationTests;

/// <summary>Profiles, qualification review, bulk import and export of the enterprise directory.</summary>
public sealed class DirectoryTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task ProfileEdit_IsSavedAndReachesThePublicCapabilityList()
    {
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);

        var saved = await MarketplaceApp.PostFormAsync(client, "/firm/profile", "/firm/profile", new Dictionary<string, string>
        {
            ["Name"] = firm.Name, ["Industry"] = "数字经济", ["Region"] = "通州区·张家湾镇", ["RegisteredCapitalWan"] = "1200", ["Employees"] = "90",
            ["Technologies"] = "数字孪生", ["FreeTags"] = "井盖监测，桥梁健康", ["Description"] = "专注城市生命线监测：燃气、供水管网和桥梁的数字孪生预警。",
            ["Products"] = "生命线监测终端", ["Cases"] = "副中心综合管廊监测｜城市管理委｜2025｜接入传感器3000个",
            ["ContactName"] = "赵联系", ["ContactEmail"] = "contact@firm.test", ["PublicCard"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await app.DrainOutboxAsync();

        var stored = (await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!;
        Assert.Equal("通州区·张家湾镇", stored.Region);
        Assert.Equal(2025, Assert.Single(stored.Cases).Year);
        var found = await app.Get<ISearchEngine>().SearchEnterprisesAsync(new EnterpriseSearchQuery("生命线"), default);
        Assert.Contains(found.Hits, h => h.Id == firm.Id);
        Assert.Contains("综合管廊", await app.CreateClient().GetStringAsync($"/capabilities/{firm.Id}"));
    }

    [PostgresFact]
    public async Task ProfileEdit_WithBadValues_ShowsMessagesAndSavesNothing()
    {
        var firm = await TestData.FirmAsync(app);
        var member = await TestData.MemberAsync(app, firm);
        var client = await app.SignedInClientAsync(member.Email, TestData.Password);

        var response = await MarketplaceApp.PostFormAsync(client, "/firm/profile", "/firm/profile", new Dictionary<string, string>
        {
            ["Name"] = firm.Name, ["Industry"] = "采矿", ["Region"] = "通州区", ["RegisteredCapitalWan"] = "-5", ["Employees"] = "10",
            ["Technologies"] = "永动机", ["Description"] = "保留这段简介", ["ContactEmail"] = "bad@",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var message in new[] { "请选择所属行业", "应写明街道或乡镇", "注册资本应在", "不在技术词表中", "联系邮箱格式不正确", "保留这段简介" })
            Assert.Contains(message, html);
        Assert.Equal(firm.Region, (await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!.Region);
    }

    [PostgresFact]
    public async Task Qualification_CountsOnlyOnceAnOfficerVerifiesIt()
    {
        var firm = await TestData.FirmAsync(app, qualifications: []);
        var member = await TestData.MemberAsync(app, firm);
        var memberClient = await app.SignedInClientAsync(member.Email, TestData.Password);
        await MarketplaceApp.PostFormAsync(memberClient, "/firm/qualifications", "/firm/qualifications", new Dictionary<string, string>
        {
            ["Kind"] = "专精特新", ["Evidence"] = "京经信专精特新〔2025〕第123号", ["ExpiresOn"] = DateTime.UtcNow.AddYears(2).ToString("yyyy-MM-dd"),
        });
        Assert.Empty((await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!.Qualifications);

        var review = app.Get<QualificationReview>();
        var pending = Assert.Single(await review.ListPendingAsync(default), q => q.EnterpriseId == firm.Id);
        Assert.Equal("reason_required", (await review.RejectAsync(pending.Id, Guid.NewGuid(), " ", default)).FirstError.Code);

        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        await MarketplaceApp.PostFormAsync(officer, "/officer/directory/qualifications", $"/officer/directory/qualifications/{pending.Id}/verify",
            new Dictionary<string, string>());

        Assert.Equal(["专精特新"], (await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!.Qualifications);
        Assert.Equal("not_pending", (await review.VerifyAsync(pending.Id, Guid.NewGuid(), default)).FirstError.Code);
    }

    [PostgresFact]
    public async Task Qualification_PastItsExpiry_StopsCounting()
    {
        var firm = await TestData.FirmAsync(app, qualifications: []);
        var review = app.Get<QualificationReview>();
        var id = (await review.DeclareAsync(firm.Id, Guid.NewGuid(), new DeclareQualificationCommand("高新技术企业", "GR2024110001",
            DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30))), default)).Value;
        await review.VerifyAsync(id, Guid.NewGuid(), default);
        Assert.Equal(["高新技术企业"], (await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!.Qualifications);

        await using (var conn = new Npgsql.NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await new Npgsql.NpgsqlCommand($"update enterprises.qualifications set expires_on = current_date - 1 where id = '{id}'", conn).ExecuteNonQueryAsync();
        }
        Assert.True(await review.ExpireAsync(default) >= 1);

        Assert.Empty((await app.Get<EnterpriseStore>().GetAsync(firm.Id, default))!.Qualifications);
    }

    [SkippableFact]
    public async Task ImportCommand_TakesScenarioListsInTheSharedFormat_Idempotently()
    {
        Skip.If(TestServers.AdminConnectionString is null && !TestServers.IsCi, "No PostgreSQL server: set MARKETPLACE_TEST_PG.");
        var path = SharedFiles.Path("data", "dev", "scenarios.json");
        Skip.If(path is null, "../shared/data/dev/scenarios.json is not beside the repository.");

        Assert.Equal(0, await Marketplace.Web.Infrastructure.ImportCommand.RunAsync(app.Services, ["import", "--file", path!, "--kind", "scenarios"], default));
        Assert.Equal(0, await Marketplace.Web.Infrastructure.ImportCommand.RunAsync(app.Services, ["import", "--file", path!, "--kind", "scenarios"], default));

        var all = await app.Get<Marketplace.Scenarios.Listings.ScenarioStore>().ListAllAsync(default);
        Assert.Equal(15, all.Count(s => s.Code.StartsWith("DS", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Import_OfTheDevSet_ImportsAllAndTwiceChangesNothing()
    {
        Skip.If(TestServers.AdminConnectionString is null && !TestServers.IsCi, "No PostgreSQL server: set MARKETPLACE_TEST_PG.");
        var path = SharedFiles.Path("data", "dev", "enterprises.json");
        Skip.If(path is null, "../shared/data/dev/enterprises.json is not beside the repository.");
        var import = app.Get<EnterpriseImport>();
        async Task<ImportReport> Run(bool dryRun)
        {
            await using var stream = File.OpenRead(path!);
            return await import.RunAsync(ImportReaders.ReadAsync(path!, stream), dryRun, null, default);
        }

        var dry = await Run(dryRun: true);
        var first = await Run(dryRun: false);
        var second = await Run(dryRun: false);

        Assert.Equal((150, 150, 0), (dry.Valid, dry.Inserted, dry.Issues.Count));
        Assert.Equal((150, 0, 0), (first.Inserted, first.Updated, first.Issues.Count));
        Assert.Equal((0, 0, 150), (second.Inserted, second.Updated, second.Unchanged));
        var imported = (await app.Get<EnterpriseStore>().FindByCreditCodeAsync("91131082MA0BN72F7Q", default))!;
        Assert.Equal("北三县·三河市", imported.Region);
    }

    [PostgresFact]
    public async Task ImportPage_ReportsBadRowsOfAnXlsxAndImportsTheGoodOnes()
    {
        var good1 = CreditCode.Complete("91110112MA0XLT01");
        var good2 = CreditCode.Complete("91110112MA0XLT02");
        var sheet = new[]
        {
            Row("北京表格甲科技有限公司", good1, "数字经济", "通州区·宋庄镇", "高新技术企业", "500", "80"),
            Row("北京表格乙科技有限公司", "91110112MA0XLS03X", "数字经济", "通州区·宋庄镇", "", "500", "80"),
            Row("北京表格丙科技有限公司", good2, "先进制造", "北三县·香河县", "", "abc", "30"),
            Row("北京表格丁科技有限公司", CreditCode.Complete("91110112MA0XLT04"), "数字经济", "火星", "神仙资质", "100", "10"),
            Row("北京表格戊科技有限公司", good2, "先进制造", "北三县·香河县", "", "300", "30"),
        };
        var xlsx = new MemoryStream();
        await xlsx.SaveAsAsync(sheet, excelType: ExcelType.XLSX);

        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var page = await officer.GetStringAsync("/officer/directory/import");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(xlsx.ToArray()), "file", "firms.xlsx" },
        };
        var html = await (await officer.PostAsync("/officer/directory/import", form)).Content.ReadAsStringAsync();

        Assert.Contains("新增 2", html);
        Assert.Contains("<td>3</td><td>统一社会信用代码</td>", html);   // row 3 = the second data row (header is row 1)
        Assert.Contains("“abc”不是数字", html);
        Assert.Contains("未知资质“神仙资质”", html);
        Assert.Contains("注册地应以", html);
        Assert.NotNull(await app.Get<EnterpriseStore>().FindByCreditCodeAsync(good1, default));
        Assert.Equal(300, (await app.Get<EnterpriseStore>().FindByCreditCodeAsync(good2, default))!.RegisteredCapitalWan);
    }

    private static Dictionary<string, object> Row(string name, string code, string industry, string region, string quals, string capital, string employees) => new()
    {
        ["企业名称"] = name, ["统一社会信用代码"] = code, ["行业"] = industry, ["注册地"] = region, ["资质"] = quals,
        ["注册资本（万元）"] = capital, ["员工人数"] = employees, ["关键技术"] = "物联网、大数据", ["简介"] = "表格导入的企业",
    };

    [PostgresFact]
    public async Task Export_HonoursTheFiltersAndReadsBack()
    {
        var inTongzhou = await TestData.FirmAsync(app, name: "北京导出通州科技有限公司", region: "通州区·梨园镇");
        var elsewhere = await TestData.FirmAsync(app, name: "河北导出香河科技有限公司", region: "北三县·香河县");
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);

        var xlsx = await officer.GetByteArrayAsync("/officer/directory/export?format=xlsx&region=" + Uri.EscapeDataString("通州区"));
        var rows = new MemoryStream(xlsx).Query(useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object>>().ToList();
        Assert.Contains(rows, r => (string)r["统一社会信用代码"] == inTongzhou.CreditCode);
        Assert.DoesNotContain(rows, r => (string)r["统一社会信用代码"] == elsewhere.CreditCode);

        var csv = await officer.GetByteArrayAsync("/officer/directory/export?format=csv&q=" + Uri.EscapeDataString("导出"));
        Assert.Equal([0xEF, 0xBB, 0xBF], csv.Take(3));
        var text = System.Text.Encoding.UTF8.GetString(csv);
        Assert.Contains("企业名称", text);
        Assert.Contains(elsewhere.Name, text);

        var member = await TestData.MemberAsync(app, inTongzhou);
        var memberClient = await app.SignedInClientAsync(member.Email, TestData.Password);
        Assert.NotEqual(HttpStatusCode.OK, (await memberClient.GetAsync("/officer/directory/export")).StatusCode);
    }
}
