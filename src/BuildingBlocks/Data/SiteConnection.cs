using Npgsql;

namespace Marketplace.BuildingBlocks.Data;

/// <summary>How the site connects to PostgreSQL.</summary>
public static class SiteConnection
{
    /// <summary>
    /// PostgreSQL's JIT compiles a query whose estimated cost passes a threshold; the site's reports (ledger, dashboard)
    /// pass it at national scale and paid 0.5–1 s of compilation for queries that run in less. Off for the site's
    /// connections unless the connection string sets its own server options.
    /// </summary>
    public static string WithoutJit(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Options)) builder.Options = "-c jit=off";
        return builder.ConnectionString;
    }
}
