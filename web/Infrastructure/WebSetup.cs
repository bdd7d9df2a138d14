using Marketplace.BuildingBlocks.Site;
using System.Globalization;
using Marketplace.Matching;
using Marketplace.Reporting;
using Marketplace.Reporting.OpenData;
using Marketplace.Scenarios.Listings;
using Marketplace.Web.Features.Accounts;
using Marketplace.Web.Demo;
using Marketplace.Flows.Recommending;
using Microsoft.AspNetCore.Localization;

namespace Marketplace.Web.Infrastructure;

public static class WebSetup
{
    /// <summary>MVC with views, the JSON API, and Chinese-first localisation (English on request).</summary>
    public static IServiceCollection AddMarketplaceWeb(this IServiceCollection services, IConfiguration configuration)
    {
        // Emit Chinese as characters, not &#x…; entities: pages stay readable and a third of the size.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        // File(byte[]) answers go out in pieces, so large ones to many clients do not pile up in Kestrel's buffers.
        services.AddSingleton<Microsoft.AspNetCore.Mvc.Infrastructure.IActionResultExecutor<Microsoft.AspNetCore.Mvc.FileContentResult>, ChunkedFileContentResultExecutor>();
        services.AddControllersWithViews(o =>
            {
                o.Filters.Add<FirmRequiredFilter>();
                // Binding failures speak Chinese too, like the rule messages next to them.
                var m = o.ModelBindingMessageProvider;
                m.SetAttemptedValueIsInvalidAccessor((value, field) => $"{field}：“{value}”不是有效的值");
                m.SetValueIsInvalidAccessor(value => $"“{value}”不是有效的值");
                m.SetValueMustBeANumberAccessor(field => $"{field}必须是数字");
                m.SetValueMustNotBeNullAccessor(field => $"{field}不能为空");
                m.SetMissingBindRequiredValueAccessor(field => $"缺少{field}");
                m.SetNonPropertyAttemptedValueIsInvalidAccessor(value => $"“{value}”不是有效的值");
                m.SetUnknownValueIsInvalidAccessor(field => $"{field}的值无效");
                m.SetNonPropertyValueMustBeANumberAccessor(() => "必须是数字");
                o.Filters.Add<UnreadableFormFilter>();
                o.Filters.Add<UnstorableTextFilter>();
                o.Filters.Add<LocalizedModelErrorsFilter>();
            })
            .AddViewLocalization()
            // Field names and attribute messages come from the one shared resource, like the views' text.
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var supported = new[] { new CultureInfo("zh-CN"), new CultureInfo("en") };
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = supported;
            o.SupportedUICultures = supported;
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        services.AddSingleton<UiLabels>();
        services.AddSingleton<RenderedPages>();
        services.AddSingleton<StartupTasks>();
        services.AddSingleton<ObjectionFiling>();
        services.AddRequestLimits(configuration);
        services.AddReporting(configuration);
        services.Configure<Marketplace.Scenarios.Applications.ApplicationOptions>(configuration.GetSection(Marketplace.Scenarios.Applications.ApplicationOptions.Section));
        return services;
    }

    /// <summary>The reporting module, with the site's address and the labels the pages use, so reports and feeds match the site.</summary>
    public static IServiceCollection AddReporting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenDataOptions>().Bind(configuration.GetSection(OpenDataOptions.Section))
            .PostConfigure<Microsoft.Extensions.Options.IOptions<SiteOptions>>((o, site) => o.SiteUrl = site.Value.BaseUrl);
        services.AddSingleton(new ScenarioLabels(ScenarioCategory.All, Labels.Category, Labels.Status, Labels.Mode, Labels.Time));
        services.AddReportingModule();
        return services;
    }

    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Marketplace.Matching.Feedback.FeedbackOptions>().Bind(configuration.GetSection(Marketplace.Matching.Feedback.FeedbackOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.Configure<Marketplace.Matching.Search.Meilisearch.MeilisearchOptions>(
            configuration.GetSection(Marketplace.Matching.Search.Meilisearch.MeilisearchOptions.Section));
        services.AddMatchingModule();
        services.AddSingleton<Viewers>();
        return services;
    }

    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<DemoSeeder>();
        return services;
    }
}
