using Marketplace.Scenarios.Listings;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Notifications;

/// <summary>Section <c>Scheduler</c>.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";
    public bool Enabled { get; set; } = true;
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Moves time-driven states: closes scenarios at their deadline. Each step is one conditional UPDATE, so any number of
/// nodes may run this loop and every transition still happens exactly once.
/// </summary>
public sealed class Scheduler(CloseDueScenarios close, OutboxSignal outbox, IOptions<SchedulerOptions> options, ILogger<Scheduler> logger)
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
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Scheduler run failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
