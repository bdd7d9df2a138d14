using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Marketplace.Web.Infrastructure;

/// <summary>Bounds of what the API and the forms accept, with the messages their annotations give (field name, bound).</summary>
public static class Bounds
{
    public const string Text = "{0}不能超过 {1} 个字";
    public const string List = "{0}最多 {1} 项";
    /// <summary>A search query (q) and a facet value.</summary>
    public const int Query = 200;
    public const int Facet = 60;
    /// <summary>The largest number of winners a decision can name (赛马 mode has at most 10 slots).</summary>
    public const int Winners = 10;
}

/// <summary>Section <c>Limits</c>: the size of a request before anything reads it.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Limits";
    /// <summary>Bodies of JSON and form requests; uploads (attachments, the directory import) carry their own larger limit.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
    /// <summary>Fields in one form post.</summary>
    public int MaxFormValues { get; set; } = 512;
}

public static class RequestLimits
{
    /// <summary>
    /// Kestrel refuses a larger body with 413 as it is read (the error page and ProblemDetails say so), and forms stop
    /// at the same size and field count. Endpoints that take files raise the limit with <c>RequestSizeLimit</c> and
    /// <c>RequestFormLimits</c>; nothing else does.
    /// </summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RequestLimitOptions.Section).Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = limits.MaxRequestBodyBytes;
            f.ValueCountLimit = limits.MaxFormValues;
        });
        services.AddSingleton(limits);
        return services;
    }

    /// <summary>
    /// After routing (which knows an endpoint's own <c>RequestSizeLimit</c>): a declared length over the limit is
    /// answered 413 at once, before authentication, rate limits or model binding read a byte. A body without a declared
    /// length is stopped by Kestrel as it is read (the error page maps that to 413 too).
    /// </summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<RequestLimitOptions>();
        app.Use(async (http, next) =>
        {
            var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                        ?? http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? limits.MaxRequestBodyBytes;
            if (http.Request.ContentLength is { } length && limit is { } max && length > max)
            {
                http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                var message = $"提交的内容超过了允许的大小（{max / 1024} KB），请删减后重试。";
                if (http.Request.Path.StartsWithSegments("/api"))
                    await http.Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
                    {
                        Status = 413, Title = message, Type = "https://marketplace.local/problems/body_too_large", Extensions = { ["code"] = "body_too_large" },
                    }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
                else
                {
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync(message + " The request is too large.");
                }
                return;
            }
            await next();
        });
        return app;
    }
}
