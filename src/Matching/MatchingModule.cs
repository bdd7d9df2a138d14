using System.Net.Http.Headers;
using Marketplace.Matching.Recommendations;
using Marketplace.Matching.Search;
using Marketplace.Matching.Search.Meilisearch;
using Marketplace.Matching.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Matching;

public static class MatchingModule
{
    /// <summary>Registers both engines lazily and picks one by <see cref="MatchingOptions.Engine"/>.</summary>
    public static IServiceCollection AddMatchingModule(this IServiceCollection services)
    {
        services.AddSingleton(sp => Thesaurus.Load(sp.GetRequiredService<IOptions<MatchingOptions>>().Value.ThesaurusPath));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MatchingOptions>>().Value;
            return new LuceneSearchEngine(NullIfEmpty(o.IndexPath), sp.GetRequiredService<Thesaurus>(), sp.GetRequiredService<TimeProvider>(), o.Retrieval,
                o.SearchCacheEntries);
        });
        services.AddSingleton(sp => new MeilisearchClient(CreateMeilisearchHttp(sp.GetRequiredService<IOptions<MeilisearchOptions>>().Value)));
        services.AddSingleton<MeilisearchSearchEngine>();
        services.AddSingleton<ISearchEngine>(sp =>
            sp.GetRequiredService<IOptions<MatchingOptions>>().Value.Engine == "meilisearch"
                ? sp.GetRequiredService<MeilisearchSearchEngine>()
                : sp.GetRequiredService<LuceneSearchEngine>());
        services.AddSingleton<Recommender>();
        services.AddSingleton<Feedback.MatchingFeedbackStore>();
        services.AddSingleton<Feedback.FeedbackPriors>();
        return services;
    }

    /// <summary>One long-lived client with pooled connections that are recycled, as a singleton should hold it.</summary>
    public static HttpClient CreateMeilisearchHttp(MeilisearchOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Url)) throw new InvalidOperationException("Matching:Engine is meilisearch but Meilisearch:Url is not set.");
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(o.Url.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (!string.IsNullOrEmpty(o.ApiKey)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
        return http;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
