using DbUp;
using DbUp.Engine;
using Marketplace.BuildingBlocks.Data;
using Marketplace.BuildingBlocks.Migrations;
using Npgsql;

namespace Marketplace.Web.Infrastructure;

public static class Database
{
    public const string ConnectionName = "Marketplace";

    public static IServiceCollection AddMarketplaceDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        DapperSetup.Configure();
        var connectionString = configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "ConnectionStrings:Marketplace is not set. Start the app with ./infra/run, or set ConnectionStrings__Marketplace.");
        services.AddNpgsqlDataSource(connectionString);
        services.AddSingleton<Migrator>();
        return services;
    }

    /// <summary>Every migration script of the product, in the order they run.</summary>
    public static IReadOnlyList<MigrationScript> AllMigrations() => MigrationScripts.From(
        typeof(MigrationScripts).Assembly,
        Enterprises.EnterprisesModule.Assembly,
        Scenarios.ScenariosModule.Assembly,
        Marketplace.Accounts.AccountsModule.Assembly,
        Marketplace.Notifications.NotificationsModule.Assembly,
        typeof(Database).Assembly);
}

/// <summary>Applies the numbered migration scripts with DbUp; the journal table records what has run.</summary>
public sealed class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    public int Run()
    {
        var connectionString = dataSource.ConnectionString;
        var scripts = Database.AllMigrations().Select(s => new SqlScript(s.Name, s.Sql));
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
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
