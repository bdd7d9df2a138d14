using System.Net;
using Marketplace.IntegrationTests.Support;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Search;
using Marketplace.Matching.Search.Meilisearch;
using Marketplace.Matching.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.IntegrationTests.Search;

/// <summary>Every request the Meilisearch client and engine build, checked against the official OpenAPI description.</summary>
public sealed class MeilisearchClientSpecTests
{
    private const string Spec = SharedFiles.MeilisearchSpec;
    private readonly Lazy<OpenApiSpec> _spec = new(OpenApiSpec.Load);

    private (MeilisearchClient Client, SpecCheckingHandler Handler) Create()
    {
        var handler = new SpecCheckingHandler(_spec.Value);
        var http = new HttpClient(handler) { BaseAddress = new Uri("http://meilisearch.test:7700/") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", "test-key");
        return (new MeilisearchClient(http), handler);
    }

    private MeilisearchSearchEngine Engine(MeilisearchClient client) => new(client, Thesaurus.Load(),
        Options.Create(new MeilisearchOptions { IndexPrefix = "t_", TaskTimeout = TimeSpan.FromSeconds(5) }), TimeProvider.System);

    [SharedFileFact(Spec)]
    public async Task ClientCalls_ConformToTheSpec_AndParseItsExamples()
    {
        var (client, handler) = Create();

        var created = await client.CreateIndexAsync("t_scenarios", "id", default);
        var settings = await client.UpdateSettingsAsync("t_scenarios", new IndexSettings
        {
            SearchableAttributes = ["title"], FilterableAttributes = ["category"], SortableAttributes = ["closesAt"],
            RankingRules = ["words", "typo", "proximity", "attribute", "sort", "exactness"],
            Synonyms = new() { ["BIM"] = ["建筑信息模型"] },
            LocalizedAttributes = [new(["title"], ["cmn"])],
        }, default);
        await client.AddOrReplaceDocumentsAsync("t_scenarios", new[] { new { id = "1", title = "智慧停车" } }, "id", default);
        await client.DeleteDocumentAsync("t_scenarios", "1", default);
        await client.DeleteAllDocumentsAsync("t_scenarios", default);
        var task = await client.WaitForTaskAsync(created.TaskUid, TimeSpan.FromSeconds(5), default);
        var search = await client.SearchAsync("t_scenarios", new SearchRequest
        {
            Q = "停车", Filter = "category = \"smart-city\"", Facets = ["category"], Limit = 5, Offset = 0,
            AttributesToHighlight = ["title"], HighlightPreTag = "<mark>", HighlightPostTag = "</mark>", ShowRankingScore = true,
            MatchingStrategy = "frequency", Sort = ["closesAt:asc"], Locales = ["cmn"],
        }, default);
        var multi = await client.MultiSearchAsync(new MultiSearchRequest([new MultiSearchQuery { IndexUid = "t_scenarios", Q = "停车", Limit = 3 }]), default);
        var stats = await client.GetStatsAsync("t_scenarios", default);
        var key = await client.CreateKeyAsync(new CreateKeyRequest("search", "search only", ["search"], ["t_*"], null), default);
        Assert.True(await client.IsHealthyAsync(default));

        Assert.True(handler.Problems.Count == 0, string.Join("\n", handler.Problems));
        Assert.Equal("enqueued", created.Status);
        Assert.Equal("settingsUpdate", settings.Type);
        Assert.Equal("succeeded", task.Status);
        Assert.NotEmpty(search.Hits);
        Assert.True(search.Total > 0);
        Assert.NotNull(multi);
        Assert.True(stats.NumberOfDocuments > 0);
        Assert.False(string.IsNullOrEmpty(key.Key));
    }

    [SharedFileFact(Spec)]
    public void Checker_CatchesARequestThatBreaksTheSpec()
    {
        var problems = _spec.Value.Check(HttpMethod.Post, new Uri("http://m/indexes/x/search?bogus=1"), "{\"limit\": \"ten\"}");
        Assert.Contains(problems, p => p.Contains("bogus"));
        Assert.Contains(problems, p => p.Contains("limit"));
        Assert.NotEmpty(_spec.Value.Check(HttpMethod.Put, new Uri("http://m/no/such/path"), null));
    }

    [SharedFileFact(Spec)]
    public async Task ErrorAnswers_BecomeTypedExceptionsWithTheErrorObject()
    {
        var handler = new ErrorHandler(_spec.Value);
        var client = new MeilisearchClient(new HttpClient(handler) { BaseAddress = new Uri("http://meilisearch.test/") });
        var e = await Assert.ThrowsAsync<MeilisearchApiException>(() => client.SearchAsync("missing", new SearchRequest { Q = "x" }, default));
        Assert.Equal(404, e.Status);
        Assert.Equal("index_not_found", e.Error.Code);
    }

    [SharedFileFact(Spec)]
    public async Task FailedTask_ThrowsWithTheTasksError()
    {
        var (client, handler) = Create();
        handler.Answers["GET /tasks/7"] = () => """
            {"uid":7,"indexUid":"t","status":"failed","type":"documentAdditionOrUpdate","canceledBy":null,"details":null,
             "error":{"message":"Document identifier `a b` is invalid.","code":"invalid_document_id","type":"invalid_request","link":"https://docs.meilisearch.com/errors#invalid_document_id"},
             "duration":"PT0S","enqueuedAt":"2026-01-01T00:00:00Z","startedAt":"2026-01-01T00:00:00Z","finishedAt":"2026-01-01T00:00:01Z"}
            """;
        var e = await Assert.ThrowsAsync<MeilisearchTaskFailedException>(() => client.WaitForTaskAsync(7, TimeSpan.FromSeconds(2), default));
        Assert.Equal("invalid_document_id", e.Task.Error!.Code);
    }

    [SharedFileFact(Spec)]
    public async Task EngineOperations_SendOnlyRequestsTheSpecAllows()
    {
        var (client, handler) = Create();
        handler.Answers["POST /indexes/t_scenarios/search"] = () => """
            {"hits":[{"id":"0192f0c2-0000-7000-8000-000000000001","code":"SC-1","title":"智慧停车","summary":"路内<停车>","description":"d",
              "category":"smart-city","domain":"智慧交通","location":"通州","technologies":["物联网"],"status":"published","closesAt":1900000000,
              "_formatted":{"id":"0192f0c2-0000-7000-8000-000000000001","code":"SC-1","title":"智慧\u0001停车\u0002","summary":"路内<\u0001停车\u0002>","description":"d",
              "category":"smart-city","domain":"智慧交通","location":"通州","technologies":["物联网"],"status":"published","closesAt":1900000000},"_rankingScore":0.9}],
             "facetDistribution":{"category":{"smart-city":1}},"processingTimeMs":1,"query":"停车","estimatedTotalHits":1,"limit":20,"offset":0}
            """;
        handler.Answers["POST /indexes/t_enterprises/search"] = () => """
            {"hits":[{"id":"0192f0c2-0000-7000-8000-000000000002","name":"智联","industry":"数字经济","region":"通州区·宋庄镇","regionPrefixes":["通州区","通州区·宋庄镇"],
              "qualifications":["高新技术企业"],"capital":800,"employees":86,"technologies":["物联网"],"description":"d","cases":[],"experienceDomains":[],"openApplications":0,"_rankingScore":0.7}],
             "processingTimeMs":1,"query":"q","estimatedTotalHits":1,"limit":20,"offset":0}
            """;
        var engine = Engine(client);
        var scenario = new ScenarioDocument(Guid.NewGuid(), "SC-1", "智慧停车", "路内停车", "描述", "smart-city", "智慧交通", "通州", ["物联网"],
            "published", DateTimeOffset.UtcNow.AddDays(3), [], 0, []);
        var firm = new EnterpriseDocument(Guid.NewGuid(), "智联", "数字经济", "通州区·宋庄镇", ["高新技术企业"], 800, 86, ["物联网"], "d", [], [], 0);

        await engine.ReplaceAllAsync([scenario], [firm], default);
        await engine.RemoveScenarioAsync(scenario.Id, default);
        var found = await engine.SearchScenariosAsync(new ScenarioSearchQuery("停车", "smart-city", OpenOnly: true), default);
        var browse = await engine.SearchScenariosAsync(new ScenarioSearchQuery(null), default);
        var candidates = await engine.RetrieveEnterprisesAsync(new EnterpriseRetrievalQuery("智慧停车", "路内停车", ["物联网"],
            new EligibilityRules(["高新技术企业"], 300, ["通州区", "北三县"]), 50), default);
        var counts = await engine.CountAsync(default);

        Assert.True(handler.Problems.Count == 0, string.Join("\n", handler.Problems));
        Assert.Equal("智慧<mark>停车</mark>", found.Hits[0].TitleHtml);
        Assert.Equal("路内&lt;<mark>停车</mark>&gt;", found.Hits[0].SnippetHtml);
        Assert.Equal(1, found.CategoryCounts["smart-city"]);
        Assert.Single(browse.Hits);
        Assert.Equal("通州区·宋庄镇", Assert.Single(candidates).Enterprise.Region);
        Assert.True(counts.Scenarios > 0);
        var retrieval = handler.Requests.Last(r => r.Path == "/indexes/t_enterprises/search").Body!;
        Assert.Contains("qualifications = \\u0022高新技术企业\\u0022", System.Text.RegularExpressions.Regex.Unescape(retrieval).Replace("\"", "\\u0022"));
    }

    [Fact]
    public void EligibilityFilter_UsesExactRegionPrefixesAndQuotes()
    {
        var filter = MeilisearchSearchEngine.EligibilityFilter(new EligibilityRules(["专精\"特新"], 300.5m, ["通州区", "北三县"]));
        Assert.Equal("qualifications = \"专精\\\"特新\" AND capital >= 300.5 AND regionPrefixes IN [\"通州区\", \"北三县\"]", filter);
        Assert.Equal("(suspendedUntil NOT EXISTS OR suspendedUntil < 20261231)",
            MeilisearchSearchEngine.EligibilityFilter(new EligibilityRules([], 0, [], new DateOnly(2026, 12, 31))));
        Assert.Equal("(audience IN [\"public\", \"北三县\"] OR audience NOT EXISTS)", MeilisearchSearchEngine.AudienceFilter(["public", "北三县"]));
        Assert.Equal(["北三县", "北三县·三河市"], MeilisearchSearchEngine.RegionPrefixes("北三县·三河市"));
    }

    private sealed class ErrorHandler(OpenApiSpec spec) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var op = spec.Find(request.Method, request.RequestUri!.AbsolutePath)!;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)
            {
                Content = new StringContent(spec.ExampleError(op, 404), System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }
}
