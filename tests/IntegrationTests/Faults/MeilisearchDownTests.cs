using System.Net;
using System.Net.Http.Json;
using Dapper;
using Marketplace.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Marketplace.IntegrationTests.Faults;

/// <summary>The app configured for Meilisearch at an address where nothing listens.</summary>
public sealed class UnreachableMeilisearchApp : MarketplaceApp
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Matching:Engine", "meilisearch");
        builder.UseSetting("Meilisearch:Url", $"http://127.0.0.1:{TestSmtpServer.FreePort()}");
    }
}

/// <summary>
/// Meilisearch unreachable (a closed port): the site starts anyway; search says it is unavailable (503 with Retry-After,
/// the friendly page, ProblemDetails in the API; a message on the home page and the firm's workbench), and publishing,
/// applying, profiles and the other pages that do not search keep working.
/// </summary>
public sealed class MeilisearchDownTests(UnreachableMeilisearchApp app) : IClassFixture<UnreachableMeilisearchApp>
{
    [PostgresFact]
    public async Task Search_SaysItIsUnavailable()
    {
        var client = app.CreateClient();

        var page = await client.GetAsync("/scenarios?q=" + Uri.EscapeDataString("停车"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("5", page.Headers.RetryAfter?.ToString());
        Assert.Contains("搜索暂时不可用", await page.Content.ReadAsStringAsync());

        var api = await client.GetAsync("/api/v1/scenarios?q=x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains("search_unavailable", await api.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/v1/capabilities?q=x")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/capabilities?q=x")).StatusCode);

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("搜索服务暂时不可用", await home.Content.ReadAsStringAsync());
    }

    [PostgresFact]
    public async Task EverythingThatDoesNotSearch_KeepsWorking()
    {
        var officer = await app.SignedInClientAsync((await TestData.OfficerAsync(app)).Email, TestData.Password);
        var created = await officer.PostAsJsonAsync("/api/v1/scenarios", TestData.ScenarioCommand("搜索宕机时发布的场景"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/scenarios/{id}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync($"/scenarios/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync($"/api/v1/scenarios/{id}")).StatusCode);

        var firm = await TestData.FirmAsync(app);
        var member = await app.SignedInClientAsync((await TestData.MemberAsync(app, firm)).Email, TestData.Password);
        var applied = await member.PostAsJsonAsync($"/api/v1/scenarios/{id}/applications", TestData.Proposal("以物联网满溢传感器和视频识别设备改造全部投放点，两个月内完成安装调试，并提供一年运维和督导数据分析服务。", 120));
        Assert.True(applied.StatusCode == HttpStatusCode.OK, await applied.Content.ReadAsStringAsync());
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            Assert.Equal(1, await conn.ExecuteScalarAsync<int>("select count(*) from scenarios.applications where scenario_id = @id", new { id }));

        var workbench = await member.GetAsync("/firm");
        Assert.Equal(HttpStatusCode.OK, workbench.StatusCode);
        Assert.Contains("搜索服务暂时不可用", await workbench.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/firm/profile")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/open-data")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/live")).StatusCode);
    }
}
