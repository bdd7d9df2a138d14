using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Matching.Feedback;

/// <summary>
/// The <see cref="FeedbackPrior"/> table, read with one query and kept in memory: recommendations are latency-critical,
/// so a request reads the table, never the database per candidate. It is read again after
/// <see cref="FeedbackOptions.RefreshInterval"/> (other nodes' events) or on the next request after an event in this
/// process called <see cref="Invalidate"/> (a dismissal, an invitation, a closing, an award) — at most one query for
/// that request, and a request that finds a refresh under way uses the table it has.
/// </summary>
public sealed class FeedbackPriors(NpgsqlDataSource db, IOptions<FeedbackOptions> options, TimeProvider clock)
{
    private sealed record Loaded(FeedbackPrior Prior, DateTimeOffset At);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Loaded? _loaded;
    private int _stale;

    /// <summary>Something the table counts changed: the next request reads it again.</summary>
    public void Invalidate() => Interlocked.Exchange(ref _stale, 1);

    public async ValueTask<FeedbackPrior> CurrentAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (o.Weight <= 0) return FeedbackPrior.None;
        var loaded = _loaded;
        if (loaded is not null && Volatile.Read(ref _stale) == 0 && clock.GetUtcNow() - loaded.At < o.RefreshInterval) return loaded.Prior;
        // One reader refreshes; the others keep ranking with the table they have rather than queue behind it.
        if (loaded is not null && !await _gate.WaitAsync(0, ct)) return loaded.Prior;
        if (loaded is null) await _gate.WaitAsync(ct);
        try
        {
            loaded = _loaded;
            if (loaded is not null && Volatile.Read(ref _stale) == 0 && clock.GetUtcNow() - loaded.At < o.RefreshInterval) return loaded.Prior;
            // Cleared before reading, so an event during the read marks the new table stale again.
            Interlocked.Exchange(ref _stale, 0);
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

    /// <summary>
    /// Every firm's outcomes per domain. An invitation counts once its scenario's applications are no longer sealed (so
    /// ranking never tells who applied before the deadline): good if the firm applied, not if it did not. An award is a
    /// good outcome; a "not relevant" dismissal a bad one.
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
