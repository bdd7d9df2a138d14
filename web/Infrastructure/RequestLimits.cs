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
        return services;
    }
}
