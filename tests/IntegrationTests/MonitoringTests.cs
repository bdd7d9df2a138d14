using System.Net;
using Dapper;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Demo;
using Marketplace.Reporting.Monitoring;
using MiniExcelLibs;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>The dashboard's figures on demo data, checked against values computed by hand from the demo set.</summary>
public sealed class DashboardFigureTests(SeededMarketplaceApp app) : IClassFixture<SeededMarketplaceApp>
{
    [PostgresFact]
    public async Task Dashboard_OnDemoData_MatchesHandComputedFigures()
    {
        var demo = DemoData.Scenarios(DateTimeOffset.UtcNow);
        var published = demo.Where(s => s.Status == ScenarioStatus.Published).ToList();
        var figures = await app.Get<MonitoringQueries>().DashboardAsync(default);

        var byKey = figures.Targets.ToDictionary(t => t.Target.Key, t => t.Value);
        Assert.Equal(published.Count(s => s.Category == "smart-city"), byKey["smart-city"]);
        Assert.Equal(published.Count(s => s.Category == "cultural-tourism"), byKey["cultural-tourism"]);
        Assert.Equal(published.Count(s => s.Category == "livable-city"), byKey["livable-city"]);
        Assert.Equal(published.Count, byKey["published-public"]);
        Assert.Equal(0, byKey["paired"]);

        Assert.Equal([demo.Count(s => s.Status != ScenarioStatus.Draft), published.Count, 0, 0, 0], figures.Funnel.Select(f => f.Value));
        Assert.Equal(published.GroupBy(s => s.OwnerDepartment).ToDictionary(g => g.Key, g => g.Count()),
            figures.Breakdowns["department"].ToDictionary(c => c.Key, c => c.Value));
        Assert.Equal(published.GroupBy(s => s.Batch).ToDictionary(g => g.Key, g => g.Count()),
            figures.Breakdowns["batch"].ToDictionary(c => c.Key, c => c.Value));
        var publishedMonth = published[0].PublishedAt!.Value.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM");
        Assert.Equal(published.Count, figures.Months.Single(m => m.Month == publishedMonth).Published);
        Assert.Equal(published.Count, figures.Months.Sum(m => m.Published));
        Assert.Empty(figures.Overdue);

        var officer = await app.SignedInClientAsync("officer@demo.gov.cn", DemoData.Password);
        var page = await officer.GetStringAsync("/officer/monitoring");
        Assert.Contains($"{byKey["smart-city"]} / 30", page);
        Assert.Contains("/lib/chart.js/chart.umd.min.js", page);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/lib/chart.js/chart.umd.min.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.FormClient().GetAsync("/officer/monitoring")).StatusCode);
    }
}

/// <summary>The ledger, its frozen month-end snapshots, the workbooks read back, and targets kept by admins.</summary>
public sealed class LedgerTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static IReadOnlyList<IDictionary<string, object>> Sheet(byte[] workbook, string sheet)
    {
        using var stream = new MemoryStream(workbook);
        return stream.Query(useHeaderRow: true, sheetName: sheet).Cast<IDictionary<string, object>>().ToList();
    }

    [PostgresFact]
    public async Task AFrozenMonth_IsReproducedExactly_WhileTheLiveLedgerMovesOn()
    {
        var monitoring = app.Get<MonitoringQueries>();
        var first = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("台账：冻结前已发布的场景") with { ResponsiblePerson = "王科长" });
        var lastMonth = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddMonths(-1);
        var thisMonth = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

        Assert.False(await monitoring.FreezeMonthAsync(thisMonth, default)); // a month is frozen only after it ends
        Assert.True(await monitoring.FreezeMonthAsync(lastMonth, default));
        var frozen = (await monitoring.SnapshotAsync(lastMonth, default))!;
        var row = Assert.Single(frozen.Rows, r => r.Code == first.Code);
        Assert.Equal(("王科长", (int?)null), (row.ResponsiblePerson, row.Applicants));

        var later = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("台账：冻结后才发布的场景"));
        Assert.False(await monitoring.FreezeMonthAsync(lastMonth, default)); // taken once
        var again = (await monitoring.SnapshotAsync(lastMonth, default))!;
        Assert.Equal(frozen.TakenAt, again.TakenAt);
        Assert.Equal(frozen.Rows.Select(r => r.Code), again.Rows.Select(r => r.Code));
        Assert.DoesNotContain(again.Rows, r => r.Code == later.Code);
        Assert.Contains(await monitoring.LedgerAsync(default), r => r.Code == later.Code);

        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var period = lastMonth.ToString("yyyy-MM");
        var past = await officer.GetByteArrayAsync($"/officer/monitoring/reports/{period}.xlsx");
        var pastLedger = Sheet(past, "台账");
        Assert.Equal(frozen.Rows.Select(r => r.Code), pastLedger.Select(r => r["编号"]?.ToString()));
        Assert.Contains(Sheet(past, "汇总"), r => r["项目"]?.ToString() == "数据来源" && r["数值"]?.ToString()!.Contains("月末快照") == true);
        // The same month twice gives the same contents.
        var twice = Sheet(await officer.GetByteArrayAsync($"/officer/monitoring/reports/{period}.xlsx"), "台账");
        Assert.Equal(pastLedger.Select(r => string.Join("|", r.Values)), twice.Select(r => string.Join("|", r.Values)));

        var live = Sheet(await officer.GetByteArrayAsync($"/officer/monitoring/reports/{thisMonth:yyyy-MM}.xlsx"), "台账");
        Assert.Contains(live, r => r["编号"]?.ToString() == later.Code);
        Assert.Contains("冻结", await officer.GetStringAsync($"/officer/monitoring/ledger?month={period}"));
    }

    [PostgresFact]
    public async Task Reports_HonourTheFiltersOnScreen_AndTheSummaryAgreesWithTheLedger()
    {
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("报告：智慧城市类场景"));
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("报告：文化旅游类场景") with { Category = "cultural-tourism" });
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var year = DateTime.UtcNow.AddHours(8).Year;

        var workbook = await officer.GetByteArrayAsync($"/officer/monitoring/reports/{year}.xlsx?category=cultural-tourism");
        var ledger = Sheet(workbook, "台账");
        Assert.NotEmpty(ledger);
        Assert.All(ledger, r => Assert.Equal(Marketplace.Web.Infrastructure.Labels.Category("cultural-tourism"), r["类别"]?.ToString()));
        var summary = Sheet(workbook, "汇总").ToDictionary(r => r["项目"]!.ToString()!, r => r["数值"]?.ToString());
        Assert.Equal(ledger.Count.ToString(), summary["台账场景总数"]);
        Assert.Contains("类别=cultural-tourism", summary["筛选条件"]);
        Assert.Equal("0", summary["本期发布·" + Marketplace.Web.Infrastructure.Labels.Category("smart-city")]);

        Assert.Equal(HttpStatusCode.BadRequest, (await officer.GetAsync("/officer/monitoring/reports/2026-13.xlsx")).StatusCode);
        var html = await officer.GetStringAsync("/officer/monitoring/ledger?category=cultural-tourism");
        Assert.Contains("报告：文化旅游类场景", html);
        Assert.DoesNotContain("报告：智慧城市类场景", html);
    }

    [PostgresFact]
    public async Task MonthEnd_FreezesAndStoresTheReportOnce_EvenWhenRunTwiceAtOnce()
    {
        var reports = app.Get<Reports>();
        var results = await Task.WhenAll(reports.RunMonthEndAsync(default), reports.RunMonthEndAsync(default));
        var lastMonth = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddMonths(-1).ToString("yyyy-MM");
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("select count(*) from monitoring.reports where period = @lastMonth", new { lastMonth }));
        Assert.Equal(0, await reports.RunMonthEndAsync(default));
        Assert.NotNull(await reports.StoredContentAsync(lastMonth, default));
    }

    [PostgresFact]
    public async Task Admin_SetsATarget_AndBadValuesAreRefusedWithAMessage()
    {
        var admin = await app.Get<Marketplace.Accounts.Users.UserStore>().EnsureAsync($"admin{Guid.NewGuid():N}@gov.test", "管理员", TestData.Password,
            Marketplace.Accounts.Roles.Admin, null, null, default);
        var client = await app.SignedInClientAsync(admin.Email, TestData.Password);
        var bad = await MarketplaceApp.PostFormAsync(client, "/admin/targets", "/admin/targets/smart-city",
            new Dictionary<string, string> { ["targetValue"] = "0", ["periodStart"] = "2026-01-01", ["periodEnd"] = "2025-01-01" });
        Assert.Equal(HttpStatusCode.Redirect, bad.StatusCode);
        Assert.Equal(30, (await app.Get<MonitoringQueries>().TargetsAsync(default)).Single(t => t.Key == "smart-city").TargetValue);
        await MarketplaceApp.PostFormAsync(client, "/admin/targets", "/admin/targets/smart-city",
            new Dictionary<string, string> { ["targetValue"] = "40", ["periodStart"] = "2026-01-01", ["periodEnd"] = "2028-12-31" });
        var target = (await app.Get<MonitoringQueries>().TargetsAsync(default)).Single(t => t.Key == "smart-city");
        Assert.Equal((40, new DateTime(2028, 12, 31)), (target.TargetValue, target.PeriodEnd));
    }
}
