using Marketplace.Reporting.Monitoring;
using Marketplace.Reporting.OpenData;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Reporting;

/// <summary>
/// Monitoring against the plan, the ledger and its reports, open data, OCDS and feeds. The module owns the
/// <c>monitoring</c> schema and reads other modules' data only through the views their migrations publish. The host
/// registers a <see cref="ScenarioLabels"/> and binds <see cref="OpenDataOptions"/>.
/// </summary>
public static class ReportingModule
{
    public static IServiceCollection AddReportingModule(this IServiceCollection services)
    {
        services.AddSingleton<MonitoringQueries>();
        services.AddSingleton<Reports>();
        services.AddSingleton<OpenDataQueries>();
        services.AddSingleton<Feeds>();
        services.AddSingleton<OpenDataFiles>();
        services.AddSingleton<Ocds>();
        return services;
    }
}
