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
        services.AddNpgsqlDataSource(SiteConnection.WithoutJit(connectionString));
        services.AddSingleton<DataVersion>();
        services.AddSingleton(new MigrationCatalog(AllMigrations));
        services.AddSingleton<Migrator>();
        services.AddSingleton<Marketplace.BuildingBlocks.Audit.AuditQueries>();
        return services;
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
