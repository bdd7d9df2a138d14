using Npgsql;

namespace Marketplace.BuildingBlocks.Data;

/// <summary>
/// The committed state of the database as a short text that changes with every commit: PostgreSQL's current snapshot
/// (<c>pg_current_snapshot()</c>: the oldest running transaction, the next one, and those in progress). A commit
/// anywhere either advances the next transaction or removes one from the in-progress list, so two equal readings
/// mean nothing was committed between them. Answers computed from the database can be kept under this text and
/// reused until it changes, on every node, without listing which tables they read (a table nobody listed cannot
/// make them stale). Reading it is one round trip and writes nothing, so a site under read-only load keeps it still.
/// </summary>
public sealed class DataVersion(NpgsqlDataSource db)
{
    public async Task<string> CurrentAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("select pg_current_snapshot()::text");
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The committed state and the minute of <paramref name="clock"/>, for answers that also move with time (open
    /// scenarios close, milestones fall overdue, the seal lifts): such an answer is at most a minute behind the clock.
    /// </summary>
    public async Task<string> AtMinuteAsync(TimeProvider clock, CancellationToken ct) =>
        $"{await CurrentAsync(ct)}@{clock.GetUtcNow().UtcDateTime:yyyy-MM-ddTHH:mm}";
}
