using Marketplace.BuildingBlocks.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Flows;

/// <summary>The flows that span modules, registered once for pages, the API and the workers.</summary>
public static class FlowsModule
{
    public static IServiceCollection AddFlows(this IServiceCollection services)
    {
        services.AddSingleton<Eligibility.ApplicantFactsSource>();
        services.AddSingleton<Applications.ApplyForScenario>();
        services.AddSingleton<Indexing.SearchIndexer>();
        services.AddSingleton<IOutboxHandler, Indexing.IndexChangedProfile>();
        services.AddSingleton<IOutboxHandler, Indexing.IndexAwardedEnterprise>();
        services.AddSingleton<IOutboxHandler, Indexing.ReindexAfterImport>();
        services.AddSingleton<IOutboxHandler, Closing.EligibilityAtClose>();
        return services;
    }
}
