using System.Diagnostics;
using System.Net.Sockets;
using Marketplace.BuildingBlocks.Diagnostics;
using Marketplace.Matching.Search;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using NetEscapades.AspNetCore.SecurityHeaders;
using Prometheus;
using Scalar.AspNetCore;
using Marketplace.Notifications.Email;

namespace Marketplace.Web.Infrastructure;

/// <summary>Health, OpenAPI, metrics, traces, request logs and the error pages.</summary>
public static class Operations
{
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHealthChecks()
            .AddNpgSql(tags: ["ready"], name: "postgresql")
            .AddCheck<SearchIndexHealthCheck>("search-index", tags: ["ready"])
            .AddCheck<SmtpHealthCheck>("smtp", failureStatus: HealthStatus.Degraded, tags: ["ready"]);
        services.AddOpenApi("v1", o =>
        {
            Marketplace.Web.Features.Accounts.ApiTokenAuthentication.Describe(o);
            Idempotency.Describe(o);
        });
        services.AddProblemDetails();
        services.AddHttpLogging(o =>
        {
            // One structured line per request: method, path, status, duration. No bodies, no cookies.
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        services.AddTracing(configuration);
        return services;
    }

    /// <summary>
    /// Traces of requests, their SQL (Npgsql) and the product's own spans (<see cref="Telemetry.Source"/>), sent over OTLP
    /// when an endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>Telemetry:OtlpEndpoint</c>). Without one
    /// there is no exporter and nothing is sampled: no tags are collected, child spans are not even created, and a root
    /// span only carries its trace id onward (for logs and downstream calls).
    /// </summary>
    private static void AddTracing(this IServiceCollection services, IConfiguration configuration)
    {
        var endpoint = configuration["Telemetry:OtlpEndpoint"] is { Length: > 0 } configured ? configured : null;
        var exporting = endpoint is not null || configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 };
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "marketplace"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.SourceName)
                    // Scrapes and probes every few seconds would bury the requests people make.
                    .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                        !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/health"))
                    .AddNpgsql();
                tracing.SetSampler(TraceSampler(exporting));
                if (endpoint is not null)
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                else if (exporting)
                    tracing.AddOtlpExporter(); // reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS itself
            });
    }

    /// <summary>
    /// Exporting: a span follows its parent's decision, and a root span is kept unless it is SQL that nothing started.
    /// The outbox and the scheduler poll PostgreSQL every few seconds; a trace per poll would bury the requests, while
    /// SQL under a request or a <see cref="Telemetry.Source"/> span (an outbox message handled) is kept.
    /// </summary>
    internal static Sampler TraceSampler(bool exporting) =>
        exporting ? new ParentBasedSampler(new UnlessUnparentedSql()) : new AlwaysOffSampler();

    private sealed class UnlessUnparentedSql : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            new(parameters.Kind == ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
    }

    public static WebApplication UseOperations(this WebApplication app)
    {
        // Both re-execute into ErrorController, which answers ProblemDetails for /api and the error page otherwise.
        app.UseExceptionHandler("/error/500");
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseHttpLogging();
        app.UseHttpMetrics();
        return app;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = WriteHealthJson,
        });
        app.MapOpenApi("/openapi/{documentName}.json");
        // The nonce is the one the security headers put in this answer's Content-Security-Policy; see ApiDocsPage for
        // what the page shows and what it leaves out (it asks nothing of another site).
        app.MapScalarApiReference("/api/docs", (o, http) => ApiDocsPage.Configure(o, http))
            .WithSecurityHeadersPolicy(SecurityHeaders.ApiDocsPolicy);
        // Request counts by action would tell how many applications a sealed scenario received: metrics are for the
        // administrator's session and for scrapers from the networks named in Metrics:AllowedNetworks (none by default).
        var scrapers = (app.Configuration.GetSection("Metrics:AllowedNetworks").Get<string[]>() ?? []).Select(System.Net.IPNetwork.Parse).ToList();
        app.MapMetrics("/metrics").RequireAuthorization(policy => policy.RequireAssertion(ctx =>
            ctx.User.IsInRole(Marketplace.Accounts.Roles.Admin)
            || (ctx.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } ip
                && scrapers.Any(n => n.Contains(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip)))));
        return app;
    }

    private static Task WriteHealthJson(HttpContext ctx, HealthReport report) =>
        ctx.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
}

public sealed class SearchIndexHealthCheck(ISearchEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var (scenarios, enterprises) = await engine.CountAsync(ct);
        return HealthCheckResult.Healthy($"{scenarios} scenarios, {enterprises} enterprises indexed");
    }
}

/// <summary>Degraded, not unhealthy, when the relay is away: mail waits in the outbox and nothing is lost.</summary>
public sealed class SmtpHealthCheck(IOptions<SmtpOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var o = options.Value;
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(o.Host, o.Port, timeout.Token);
            return HealthCheckResult.Healthy($"{o.Host}:{o.Port} reachable");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{o.Host}:{o.Port} unreachable; mail waits in the outbox");
        }
    }
}
