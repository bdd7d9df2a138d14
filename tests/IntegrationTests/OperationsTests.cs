using Marketplace.BuildingBlocks.Migrations;
using System.Net;
using System.Text.Json;
using Marketplace.IntegrationTests.Support;
using Marketplace.Web.Infrastructure;

namespace Marketplace.IntegrationTests;

public sealed class OperationsTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    [PostgresFact]
    public async Task Health_LiveAndReady_AreHealthy()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.ReadAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgresql").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("smtp").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("search-index").GetProperty("status").GetString());
    }

    [PostgresFact]
    public async Task OpenApi_DescribesTheScenarioApi()
    {
        var doc = await app.CreateClient().GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/scenarios/{id}/recommendations", doc);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api/docs")).StatusCode);
    }

    [PostgresFact]
    public async Task Metrics_ArePrometheusText()
    {
        await app.CreateClient().GetAsync("/health/live");
        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("http_requests_received_total", metrics);
    }

    [PostgresFact]
    public async Task UnknownPages_GetTheErrorPageAndUnknownApiGetsProblemDetails()
    {
        var client = app.CreateClient();
        var page = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("页面不存在", await page.Content.ReadAsStringAsync());

        var api = await client.GetAsync($"/api/v1/scenarios/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [PostgresFact]
    public void Migrate_RunAgain_AppliesNothing() => Assert.Equal(0, app.Get<Migrator>().Run());

    [PostgresFact]
    public async Task EnglishInterface_IsAvailable()
    {
        var html = await app.CreateClient().GetStringAsync("/scenarios?culture=en");
        Assert.Contains("Scenario Marketplace", html);
        var openData = await app.CreateClient().GetStringAsync("/open-data?culture=en");
        Assert.Contains("Downloads and feeds", openData);
    }
}
