using System.ComponentModel.DataAnnotations;

namespace Marketplace.Notifications.Outbox;

/// <summary>Section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";
    public bool Enabled { get; set; } = true;
    [Range(1, 1000)] public int BatchSize { get; set; } = 50;
    [Range(1, 100)] public int MaxAttempts { get; set; } = 8;
    /// <summary>
    /// Messages of a batch handled at once, each in its own transaction on its own connection: one message's commit (a WAL
    /// flush) overlaps the next one's email, which is what bounds a large mailing (100,000 invitations: 62–94 s with two
    /// workers of 4 lanes, 91–133 s with one lane each). Handlers do not rely on order (two nodes never kept it anyway:
    /// each handler reads the current state). A worker that dies leaves at most this many messages ambiguous (sent again
    /// with the same Message-ID). 1 handles a node's messages in claim order.
    /// </summary>
    [Range(1, 16)] public int Lanes { get; set; } = 4;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How long claimed rows stay with a worker before another may take them (a worker that died leaves them).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);
}
