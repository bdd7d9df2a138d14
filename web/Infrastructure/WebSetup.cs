using System.Globalization;
using Marketplace.Matching;
using Marketplace.Web.Demo;
using Marketplace.Web.Search;
using Microsoft.AspNetCore.Localization;

namespace Marketplace.Web.Infrastructure;

public static class WebSetup
{
    /// <summary>MVC with views, the JSON API, and Chinese-first localisation (English on request).</summary>
    public static IServiceCollection AddMarketplaceWeb(this IServiceCollection services)
    {
        services.AddControllersWithViews()
            .AddViewLocalization()
            .AddDataAnnotationsLocalization();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var supported = new[] { new CultureInfo("zh-CN"), new CultureInfo("en") };
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = supported;
            o.SupportedUICultures = supported;
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        services.AddSingleton<StartupTasks>();
        return services;
    }

    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddMatchingModule();
        services.AddSingleton<SearchIndexer>();
        return services;
    }

    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<DemoSeeder>();
        return services;
    }
}
