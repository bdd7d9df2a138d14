using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Web.Search;

namespace Marketplace.Web.Notifications;

public static class NotificationsSetup
{
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEmailSender, MailKitEmailSender>();
        services.AddSingleton<Unsubscribe>();
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section));
        services.AddSingleton<SiteLinks>();
        services.AddSingleton<Mailer>();
        services.AddSingleton<Follows>();
        services.AddOptions<InvitationOptions>().Bind(configuration.GetSection(InvitationOptions.Section));
        services.AddSingleton<AutoInvitations>();
        return services;
    }

    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxProcessor>();
        services.AddSingleton<OutboxAdmin>();
        services.AddSingleton<IOutboxHandler, EmailDeliveryHandler>();
        services.AddSingleton<IOutboxHandler, IndexPublishedScenario>();
        services.AddSingleton<IOutboxHandler, ApplicationReceipt>();
        services.AddHostedService<OutboxWorker>();
        services.AddHostedService<QualificationExpiry>();
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.Section));
        services.AddHostedService<Scheduler>();
        services.AddSingleton<IOutboxHandler, WithdrawalReceipt>();
        services.AddSingleton<IOutboxHandler, TermsChangedNotice>();
        services.AddSingleton<IOutboxHandler, ReviewAssignedNotice>();
        services.AddSingleton<IOutboxHandler, DecisionNotices>();
        services.AddSingleton<IOutboxHandler, AwardsFinalNotices>();
        services.AddSingleton<IOutboxHandler, ObjectionFiledNotices>();
        services.AddSingleton<IOutboxHandler, ObjectionAnsweredNotice>();
        return services;
    }
}
