using Marketplace.BuildingBlocks.Outbox;

namespace Marketplace.Notifications.Outbox;

/// <summary>What the admin page shows of the outbox, and the retry of dead-lettered messages.</summary>
public sealed class OutboxAdmin(OutboxStore outbox, TimeProvider clock)
{
    /// <param name="hiddenPrefixes">Message types (and the emails they cause) the page must not show: those naming applicants.</param>
    public async Task<(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<OutboxRow> Rows)> ListAsync(string? status,
        IReadOnlyList<string> hiddenPrefixes, CancellationToken ct) =>
        (await outbox.CountByStatusAsync(hiddenPrefixes, ct), await outbox.ListAsync(status, hiddenPrefixes, ct));

    /// <summary>Gives a dead-lettered message a fresh set of attempts; the dedupe key keeps it from being sent twice.</summary>
    public Task<bool> RetryAsync(Guid id, CancellationToken ct) => outbox.RetryAsync(id, clock.GetUtcNow(), ct);
}
