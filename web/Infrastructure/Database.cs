using Marketplace.BuildingBlocks.Data;
using Marketplace.BuildingBlocks.Migrations;

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
        services.AddNpgsqlDataSource(WithoutJit(connectionString));
        services.AddSingleton(new MigrationCatalog(AllMigrations));
        services.AddSingleton<Migrator>();
        services.AddSingleton<Marketplace.BuildingBlocks.Audit.AuditQueries>();
        return services;
    }

    /// <summary>
    /// PostgreSQL's JIT compiles a query whose estimated cost passes a threshold; the site's reports (ledger, dashboard)
    /// pass it at national scale and paid 0.5–1 s of compilation for queries that run in less. Off for the site's
    /// connections unless the connection string sets its own server options.
    /// </summary>
    internal static string WithoutJit(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Options)) builder.Options = "-c jit=off";
        return builder.ConnectionString;
    }

    /// <summary>Every migration script of the product, in the order they run.</summary>
    public static IReadOnlyList<MigrationScript> AllMigrations() => MigrationScripts.From(
        typeof(MigrationScripts).Assembly,
        Enterprises.EnterprisesModule.Assembly,
        Scenarios.ScenariosModule.Assembly,
        typeof(Matching.MatchingModule).Assembly,
        typeof(Reporting.ReportingModule).Assembly,
        Marketplace.Accounts.AccountsModule.Assembly,
        Marketplace.Notifications.NotificationsModule.Assembly,
        typeof(Database).Assembly);
}
