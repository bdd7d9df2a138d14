using Marketplace.BuildingBlocks.Migrations;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Marketplace.IntegrationTests.Support;
using Marketplace.BuildingBlocks.Diagnostics;
using Marketplace.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

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
        // Not for anyone: request counts per action would count a sealed scenario's applications.
        Assert.Equal(HttpStatusCode.Redirect, (await app.FormClient().GetAsync("/metrics")).StatusCode);
        var admin = await app.Get<Marketplace.Accounts.Users.UserStore>().EnsureAsync("metrics-admin@gov.test", "管理员", TestData.Password,
            Marketplace.Accounts.Roles.Admin, null, null, default);
        var metrics = await (await app.SignedInClientAsync(admin.Email, TestData.Password)).GetStringAsync("/metrics");
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
    public void Tracing_WithNoEndpointConfigured_ListensButRecordsNothing()
    {
        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.True(Telemetry.Source.HasListeners());
        // A root span at most carries a trace id onward (OpenTelemetry's AlwaysOff sampler); nothing is recorded.
        using var span = Telemetry.Source.StartActivity("operations.test");
        Assert.False(span?.Recorded ?? false);
        Assert.False(span?.IsAllDataRequested ?? false);
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

/// <summary>What a request traces once spans are sampled: ASP.NET Core's server span, Npgsql's beneath it, and ours.</summary>
public sealed class OperationsTracingTests(TracedMarketplaceApp app) : IClassFixture<TracedMarketplaceApp>
{
    [PostgresFact]
    public async Task Request_IsTraced_WithItsSqlAsChildSpans()
    {
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/feeds/deadlines.ics")).StatusCode);

        // The server span ends just after the response is written, so it may land a moment after the client has it.
        Activity? request = null;
        for (var i = 0; i < 100 && request is null; i++)
        {
            request = app.Spans.FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server
                && (string?)s.GetTagItem("url.path") == "/feeds/deadlines.ics");
            if (request is null) await Task.Delay(50);
        }
        Assert.NotNull(request);
        var sql = app.Spans.Where(s => s.Source.Name == "Npgsql" && s.TraceId == request.TraceId).ToList();
        Assert.Contains(sql, s => s.ParentSpanId == request.SpanId && s.Kind == ActivityKind.Client);
    }

    [PostgresFact]
    public void MarketplaceSource_IsListenedTo_AndItsSpansAreRecorded()
    {
        using (var span = Telemetry.Source.StartActivity("operations.test")) Assert.NotNull(span);
        Assert.Contains(app.Spans, s => s.Source.Name == Telemetry.SourceName && s.OperationName == "operations.test");
    }

    [PostgresFact]
    public async Task OutboxMessages_AreTraced_WithTheirHandlersSql()
    {
        await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("追踪：发布事件经发件箱处理"));
        var span = Assert.Single(app.Spans, s => s.Source.Name == Telemetry.SourceName && s.OperationName == "outbox scenarios.scenario_published.v1");
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Contains(app.Spans, s => s.Source.Name == "Npgsql" && s.ParentSpanId == span.SpanId);
    }

    [PostgresFact]
    public async Task HealthProbes_AreNotTraced()
    {
        await app.CreateClient().GetAsync("/health/ready");
        await Task.Delay(200);
        Assert.DoesNotContain(app.Spans, s => (string?)s.GetTagItem("url.path") is "/health/ready");
    }

    [PostgresFact]
    public async Task SqlThatNothingStarted_IsNotTraced_AndSqlUnderAProductSpanIs()
    {
        var db = app.Get<Npgsql.NpgsqlDataSource>();
        await using (var cmd = db.CreateCommand("select 'unparented_probe'")) await cmd.ExecuteScalarAsync();
        using (Telemetry.Source.StartActivity("operations.job"))
        {
            await using var cmd = db.CreateCommand("select 'parented_probe'");
            await cmd.ExecuteScalarAsync();
        }
        var sql = app.Spans.Where(s => s.Source.Name == "Npgsql").SelectMany(s => s.TagObjects).Select(t => t.Value as string).ToList();
        Assert.Contains(sql, v => v?.Contains("parented_probe") == true && !v.Contains("unparented"));
        Assert.DoesNotContain(sql, v => v?.Contains("unparented_probe") == true);
    }
}
