using Marketplace.Enterprises.Profiles;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Enterprises;

public static class EnterprisesModule
{
    public static System.Reflection.Assembly Assembly => typeof(EnterprisesModule).Assembly;

    public static IServiceCollection AddEnterprisesModule(this IServiceCollection services)
    {
        services.AddSingleton<EnterpriseStore>();
        services.AddSingleton<RegisterEnterprise>();
        services.AddSingleton<UpdateProfile>();
        services.AddSingleton<Suspension>();
        services.AddSingleton<Vocabulary.TechnologyVocabulary>();
        services.AddSingleton<Qualifications.QualificationReview>();
        services.AddSingleton<Import.EnterpriseImport>();
        return services;
    }
}
