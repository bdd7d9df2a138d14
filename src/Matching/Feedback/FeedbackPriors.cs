using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Matching.Feedback;

/// <summary>
/// The <see cref="FeedbackPrior"/> table, read with one query and kept in memory: recommendations are latency-critical,
/// so a request reads the table, never the database per candidate. Only the first request of a process waits for the
/// read. Events in this process that change what the table counts (a dismissal, an invitation, a closing, an award) call
/// <see cref="RefreshAsync"/>, so their own request or outbox handler pays for the read and the next recommendation
/// sees the change; other nodes' events arrive after <see cref="FeedbackOptions.RefreshInterval"/>, read in the
/// background while requests keep ranking with the table they have.
/// </summary>
public sealed class FeedbackPriors(NpgsqlDataSource db, IOptions<FeedbackOptions> options, TimeProvider clock, ILogger<FeedbackPriors> logger)
{
    private sealed record Loaded(FeedbackPrior Prior, DateTimeOffset At);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Loaded? _loaded;
    private int _refreshing;

    public async ValueTask<FeedbackPrior> CurrentAsync(CancellationToken ct)
    {
        if (options.Value.Weight <= 0) return FeedbackPrior.None;
        var loaded = _loaded;
        if (loaded is null) return await RefreshAsync(ct);
        if (clock.GetUtcNow() - loaded.At >= options.Value.RefreshInterval && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
            _ = Task.Run(RefreshInBackgroundAsync, CancellationToken.None);
        return loaded.Prior;
    }

    /// <summary>Reads the table now (after anything this process did that it counts) and returns it.</summary>
    public async Task<FeedbackPrior> RefreshAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (o.Weight <= 0) return FeedbackPrior.None;
        // One read at a time; a caller that waited reads again, so its own change is in the table it leaves.
        await _gate.WaitAsync(ct);
        try
        {
            var at = clock.GetUtcNow();
            var prior = FeedbackPrior.From(await OutcomesAsync(ct), o.Weight, o.PriorStrength);
            _loaded = new Loaded(prior, at);
            return prior;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The table in use stays; the next request after the interval tries again.
            logger.LogWarning(e, "Could not refresh the matching feedback table; the previous one stays in use");
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>
    /// Every firm's outcomes per domain. An invitation counts once its scenario's applications are no longer sealed (so
    /// ranking never tells who applied before the deadline): good if the firm applied, not if it did not. An award (active,
    /// accepted, or stopped at a later gate: it was won) is a good outcome; a "not relevant" dismissal a bad one.
    /// </summary>
    public async Task<IReadOnlyList<FeedbackOutcome>> OutcomesAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<FeedbackOutcome>(new CommandDefinition("""
            with outcomes as (
                select i.enterprise_id, s.domain,
                       case when exists (select 1 from scenarios.applicants_view a
                                         where a.scenario_id = i.scenario_id and a.enterprise_id = i.enterprise_id) then 1 else 0 end as positive
                from matching.invitations i join scenarios.ledger_view s on s.id = i.scenario_id
                where not s.applications_sealed
                union all
                select d.enterprise_id, s.domain, 0
                from matching.dismissals d join scenarios.ledger_view s on s.id = d.scenario_id
                union all
                select w.enterprise_id, s.domain, 1
                from scenarios.awards_view w join scenarios.ledger_view s on s.id = w.scenario_id
            )
            select enterprise_id as enterpriseid, domain, sum(positive)::int as positive, count(*)::int as total
            from outcomes group by enterprise_id, domain
            """, cancellationToken: ct))).ToList();
    }
}
