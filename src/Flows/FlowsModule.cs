using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Flows.Accounts;
using Marketplace.Flows.Notices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Flows;

/// <summary>The flows that span modules, registered once for pages, the API and the workers.</summary>
public static class FlowsModule
{
    public static IServiceCollection AddFlows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Eligibility.ApplicantFactsSource>();
        services.AddSingleton<Recommending.MatchingFeedback>();
        services.AddSingleton<Recommending.Recommendations>();
        services.AddOptions<Recommending.InvitationOptions>().Bind(configuration.GetSection(Recommending.InvitationOptions.Section));
        services.AddSingleton<Recommending.AutoInvitations>();
        services.AddSingleton<Recommending.PublishWithInvitations>();
        services.AddSingleton<IOutboxHandler, Indexing.IndexPublishedScenario>();
        services.AddHostedService<Scheduling.QualificationExpiry>();
        services.AddOptions<Scheduling.SchedulerOptions>().Bind(configuration.GetSection(Scheduling.SchedulerOptions.Section));
        services.AddHostedService<Scheduling.Scheduler>();
        services.AddSingleton<Applications.ApplyForScenario>();
        services.AddSingleton<Applications.FirmOverview>();
        services.AddSingleton<Reviews.AssignReviewer>();
        services.AddSingleton<Audit.AuditTrail>();
        services.AddSingleton<Indexing.SearchIndexer>();
        services.AddSingleton<Indexing.SearchIndexGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<Indexing.SearchIndexGuard>());
        services.AddSingleton<IOutboxHandler, Indexing.IndexChangedProfile>();
        services.AddSingleton<IOutboxHandler, Indexing.IndexAwardedEnterprise>();
        services.AddSingleton<IOutboxHandler, Indexing.ReindexAfterImport>();
        services.AddSingleton<IOutboxHandler, Closing.EligibilityAtClose>();
        services.AddSingleton<AccountFlows>();
        services.AddOptions<AccountOptions>().Bind(configuration.GetSection(AccountOptions.Section))
            .Validate(o => o.ClaimExpiry > TimeSpan.Zero, "Accounts:ClaimExpiry must be positive").ValidateOnStart();
        services.AddSingleton<FirmClaims>();
        services.AddSingleton<Follows>();
        services.AddSingleton<ApplicantContacts>();
        services.AddSingleton<ApplicationReceipt>();
        services.AddSingleton<IOutboxHandler, ApplicationSubmittedHandler>();
        services.AddSingleton<IOutboxHandler, WithdrawalReceipt>();
        services.AddSingleton<IOutboxHandler, TermsChangedNotice>();
        services.AddSingleton<IOutboxHandler, ReviewAssignedNotice>();
        services.AddSingleton<IOutboxHandler, DecisionNotices>();
        services.AddSingleton<IOutboxHandler, AwardsFinalNotices>();
        services.AddSingleton<IOutboxHandler, ObjectionConfirmationNotice>();
        services.AddSingleton<IOutboxHandler, ObjectionFiledNotices>();
        services.AddSingleton<IOutboxHandler, ObjectionAnsweredNotice>();
        services.AddSingleton<IOutboxHandler, ConsortiumRequestedNotice>();
        services.AddSingleton<IOutboxHandler, ConsortiumDeclinedNotice>();
        return services;
    }
}
