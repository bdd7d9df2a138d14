using System.ComponentModel.DataAnnotations;

namespace Marketplace.Notifications.Outbox;

/// <summary>Section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";
    public bool Enabled { get; set; } = true;
    [Range(1, 1000)] public int BatchSize { get; set; } = 50;
    [Range(1, 100)] public int MaxAttempts { get; set; } = 8;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How long claimed rows stay with a worker before another may take them (a worker that died leaves them).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);
}
