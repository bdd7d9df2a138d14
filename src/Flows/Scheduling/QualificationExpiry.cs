using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Marketplace.BuildingBlocks.Outbox;
using Marketplace.Enterprises.Qualifications;

namespace Marketplace.Flows.Scheduling;

/// <summary>Hourly: qualifications past their expiry stop counting for matching and eligibility. Idempotent, so several nodes may run it.</summary>
public sealed class QualificationExpiry(QualificationReview review, OutboxSignal outbox, ILogger<QualificationExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                var changed = await review.ExpireAsync(stoppingToken);
                if (changed > 0)
                {
                    logger.LogInformation("Expired qualifications removed from {Firms} firm(s)", changed);
                    outbox.Notify();
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Qualification expiry run failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
