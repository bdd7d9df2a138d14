using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Flows;

public static class FlowsModule
{
    public static IServiceCollection AddFlows(this IServiceCollection services)
    {
        services.AddSingleton<Eligibility.ApplicantFactsSource>();
        return services;
    }
}
