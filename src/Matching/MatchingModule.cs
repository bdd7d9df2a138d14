using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Matching.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Matching;

public static class MatchingModule
{
    public static IServiceCollection AddMatchingModule(this IServiceCollection services)
    {
        services.AddSingleton(sp => Thesaurus.Load(sp.GetRequiredService<IOptions<MatchingOptions>>().Value.ThesaurusPath));
        services.AddSingleton(sp => new LuceneSearchEngine(
            NullIfEmpty(sp.GetRequiredService<IOptions<MatchingOptions>>().Value.IndexPath),
            sp.GetRequiredService<Thesaurus>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<MatchingOptions>>().Value.Retrieval));
        services.AddSingleton<ISearchEngine>(sp => sp.GetRequiredService<LuceneSearchEngine>());
        services.AddSingleton<Recommender>();
        return services;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
