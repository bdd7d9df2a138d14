using Marketplace.Accounts.Api;
using Marketplace.Accounts.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Accounts;

public static class AccountsModule
{
    public static System.Reflection.Assembly Assembly => typeof(AccountsModule).Assembly;

    public static IServiceCollection AddAccountsModule(this IServiceCollection services)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<IdempotencyKeys>();
        services.AddSingleton<FirmClaimStore>();
        return services;
    }
}
