using Marketplace.BuildingBlocks.Outbox;
using Marketplace.BuildingBlocks.Site;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Outbox;
using Marketplace.Notifications.Preferences;
using Marketplace.Notifications.Reminders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Notifications;

public static class NotificationsModule
{
    public static System.Reflection.Assembly Assembly => typeof(NotificationsModule).Assembly;

    /// <summary>Templates and the mailer (daily cap, unsubscribe), preferences and follows, reminder sweeps.</summary>
    public static IServiceCollection AddNotificationsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SiteOptions>(configuration.GetSection(SiteOptions.Section));
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section));
        services.AddSingleton<SiteLinks>();
        services.AddSingleton<Unsubscribe>();
        services.AddSingleton<Mailer>();
        services.AddSingleton<FollowStore>();
        services.AddSingleton<ReminderQueries>();
        return services;
    }

    /// <summary>Sending: MailKit over SMTP, fed by <c>email.v1</c> outbox rows.</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEmailSender, MailKitEmailSender>();
        services.AddSingleton<IOutboxHandler, EmailDeliveryHandler>();
        return services;
    }

    /// <summary>The outbox worker: claims due messages and hands each to the <see cref="IOutboxHandler"/> of its type.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxProcessor>();
        services.AddSingleton<OutboxAdmin>();
        services.AddHostedService<OutboxWorker>();
        return services;
    }
}
