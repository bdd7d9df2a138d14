using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Flows.Notices;
using Marketplace.Scenarios.Listings;
using Microsoft.Extensions.Options;

namespace Marketplace.Flows.Scheduling;

/// <summary>Section <c>Scheduler</c>.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";
    public bool Enabled { get; set; } = true;
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Length of publicity (公示) in working days.</summary>
    public int PublicityWorkingDays { get; set; } = 5;
}

/// <summary>
/// Moves time-driven states: closes scenarios at their deadline, ends publicity periods, deletes unconfirmed objections
/// whose link expired, marks overdue milestones, expires firm claims nobody verified, forgets expired idempotency keys.
/// Each step is one conditional UPDATE, so any number of nodes may run this loop and every transition still happens exactly once.
/// </summary>
public sealed class Scheduler(CloseDueScenarios close, Marketplace.Scenarios.Awards.AwardProcess awards, Marketplace.Scenarios.Awards.ObjectionProcess objections,
    Marketplace.Scenarios.Awards.DeliveryProcess delivery, Marketplace.Reporting.Monitoring.Reports reports, Follows follows,
    Marketplace.Flows.Accounts.FirmClaims claims, OutboxSignal outbox,
    Marketplace.Accounts.Api.IdempotencyKeys idempotencyKeys,
    IOptions<SchedulerOptions> options, ILogger<Scheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                var closed = await close.HandleAsync(stoppingToken);
                if (closed.Count > 0)
                {
                    logger.LogInformation("Closed {Count} scenario(s) at their deadline", closed.Count);
                    outbox.Notify();
                }
                var finished = await awards.FinishPublicityAsync(stoppingToken);
                if (finished.Count > 0) logger.LogInformation("Publicity ended for {Count} scenario(s)", finished.Count);
                var expired = await objections.DeleteExpiredUnconfirmedAsync(stoppingToken);
                if (expired > 0) logger.LogInformation("{Count} unconfirmed objection(s) expired", expired);
                var overdue = await delivery.MarkOverdueAsync(stoppingToken);
                if (overdue > 0) logger.LogInformation("{Count} milestone(s) became overdue", overdue);
                var reminders = await follows.RunAsync(stoppingToken);
                if (reminders > 0)
                {
                    logger.LogInformation("{Count} reminder(s) or digest(s) queued", reminders);
                    outbox.Notify();
                }
                var unclaimed = await claims.ExpireDueAsync(stoppingToken);
                if (unclaimed > 0) logger.LogInformation("{Count} firm claim(s) expired unverified", unclaimed);
                var stored = await reports.RunMonthEndAsync(stoppingToken);
                if (stored > 0) logger.LogInformation("Month-end: ledger frozen, {Count} report(s) stored", stored);
                await idempotencyKeys.PurgeExpiredAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Scheduler run failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
