using Marketplace.Scenarios.Applications;
using Marketplace.Scenarios.Listings;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Scenarios;

public static class ScenariosModule
{
    public static System.Reflection.Assembly Assembly => typeof(ScenariosModule).Assembly;

    public static IServiceCollection AddScenariosModule(this IServiceCollection services)
    {
        services.AddSingleton<ScenarioStore>();
        services.AddSingleton<ApplicationQueries>();
        services.AddSingleton<CreateScenario>();
        services.AddSingleton<ProposeScenario>();
        services.AddSingleton<PublishScenario>();
        services.AddSingleton<EditScenario>();
        services.AddSingleton<Attachments.AttachmentStore>();
        services.AddSingleton<RejectScenario>();
        services.AddSingleton<ChangeTerms>();
        services.AddSingleton<Questions>();
        services.AddSingleton<ScenarioDetails>();
        services.AddSingleton<ImportScenarios>();
        services.AddSingleton<SubmitApplication>();
        services.AddSingleton<ConsortiumConsents>();
        services.AddSingleton<WithdrawApplication>();
        services.AddSingleton<CloseDueScenarios>();
        services.AddSingleton<CheckEligibilityAtClose>();
        services.AddSingleton<Reviews.ReviewProcess>();
        services.AddSingleton<Awards.AwardProcess>();
        services.AddSingleton<Awards.ObjectionProcess>();
        services.AddSingleton<Awards.DeliveryProcess>();
        return services;
    }
}
