using Npgsql;

namespace Marketplace.BuildingBlocks.Data;

/// <summary>
/// Whether a failure means "the database cannot be reached right now" (restarting, refusing connections, connection
/// lost) rather than a bug: such requests answer 503 with Retry-After instead of 500, and succeed again once it is back.
/// </summary>
public static class DatabaseAvailability
{
    public static bool IsUnavailable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PostgresException p)
                return p.Severity is "FATAL" or "PANIC"          // refused at connection (starting up, shutting down, not accepting)
                       || p.SqlState.StartsWith("08", StringComparison.Ordinal)   // connection exception
                       || p.SqlState.StartsWith("53", StringComparison.Ordinal)   // insufficient resources (too many connections)
                       || p.SqlState.StartsWith("57P", StringComparison.Ordinal); // operator intervention (admin shutdown, cannot connect now)
            if (e is NpgsqlException { IsTransient: true }) return true;
        }
        return false;
    }
}
