using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Marketplace.BuildingBlocks.Migrations;

/// <summary>Every migration script of the product, as the composition root collects them from the modules.</summary>
public sealed record MigrationCatalog(Func<IReadOnlyList<MigrationScript>> Scripts);

/// <summary>Applies the numbered migration scripts with DbUp; the journal table records what has run.</summary>
public sealed class Migrator(NpgsqlDataSource dataSource, MigrationCatalog catalog, ILogger<Migrator> logger)
{
    public int Run()
    {
        var scripts = catalog.Scripts().Select(s => new SqlScript(s.Name, s.Sql));
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(dataSource.ConnectionString)
            .WithScripts(scripts)
            .JournalToPostgresqlTable("public", "schema_migrations")
            .WithTransactionPerScript()
            .LogTo(new DbUpLog(logger))
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful) throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
        var applied = result.Scripts.Count();
        logger.LogInformation("Database migrated: {Applied} script(s) applied", applied);
        return applied;
    }

    private sealed class DbUpLog(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
