using System.Net.Http.Json;
using System.Reflection;
using Dapper;
using Marketplace.IntegrationTests.Support;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>
/// The scenarios module's views for reporting state two of its rules in SQL: which stages visitors see, and the seal on
/// applications. These tests keep the SQL equal to the code's definitions for every status there is.
/// </summary>
public sealed class ReportingViewsTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private static readonly string[] Statuses = typeof(ScenarioStatus).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    [PostgresFact]
    public async Task PubliclyVisible_AgreesWithScenarioStatusPublic_ForEveryStatus()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        Assert.Equal(13, Statuses.Length);
        foreach (var status in Statuses)
            Assert.Equal(ScenarioStatus.Public.Contains(status), await conn.ExecuteScalarAsync<bool>("select scenarios.publicly_visible(@status)", new { status }));
    }

    [PostgresFact]
    public async Task ApplicationsSealed_UntilTheWindowHasClosed_ForEveryStatus()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        foreach (var status in Statuses)
            Assert.Equal(ScenarioStatus.ApplicationsSealed(status),
                await conn.ExecuteScalarAsync<bool>("select scenarios.applications_sealed(@status)", new { status }));
    }

    [PostgresFact]
    public async Task ApplicantCounts_StayHiddenWhileTheScenarioIsOpen()
    {
        var (closed, _) = await TestData.ClosedWithApplicationsAsync(app, TestData.ScenarioCommand("视图：已截止的场景", DateTimeOffset.UtcNow.AddSeconds(2)), 2);
        var open = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("视图：张榜中的场景"));
        var firm = await app.SignedInClientAsync((await TestData.MemberAsync(app, await TestData.FirmAsync(app))).Email, TestData.Password);
        var applied = await firm.PostAsJsonAsync($"/api/v1/scenarios/{open.Id}/applications", TestData.Proposal("张榜期间提交的技术方案：平台建设与运营，分期实施。", 100));
        Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        const string applicants = "select applicants from scenarios.ledger_view where id = @id";
        Assert.Equal(2, await conn.ExecuteScalarAsync<int?>(applicants, new { id = closed.Id }));
        Assert.Null(await conn.ExecuteScalarAsync<int?>(applicants, new { id = open.Id }));
        Assert.Equal(2, await conn.ExecuteScalarAsync<int>("select count(*) from scenarios.applicants_view where scenario_id = @id", new { id = closed.Id }));
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from scenarios.applicants_view where scenario_id = @id", new { id = open.Id }));
    }
}
