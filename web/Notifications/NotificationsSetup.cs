using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Web.Search;

namespace Marketplace.Web.Notifications;

/// <summary>
/// The outbox handlers and background services that still live in the host (they need the search indexer):
/// indexing, invitations at publication, the scheduler and qualification expiry.
/// </summary>
public static class NotificationsSetup
{
    public static IServiceCollection AddHostWorkers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InvitationOptions>().Bind(configuration.GetSection(InvitationOptions.Section));
        services.AddSingleton<AutoInvitations>();
        services.AddSingleton<IOutboxHandler, IndexPublishedScenario>();
        services.AddHostedService<QualificationExpiry>();
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.Section));
        services.AddHostedService<Scheduler>();
        return services;
    }
}
