using System.Net;
using Marketplace.IntegrationTests.Support;
using Npgsql;

namespace Marketplace.IntegrationTests;

/// <summary>
/// PostgreSQL unreachable under traffic: requests answer 503 with Retry-After (a friendly page in HTML, ProblemDetails in
/// the API), never 500, and the app serves again by itself once the database accepts connections.
/// </summary>
public sealed class DatabaseOutageTests(MarketplaceApp app) : IClassFixture<MarketplaceApp>
{
    private async Task AcceptConnectionsAsync(bool accept)
    {
        await using var admin = new NpgsqlConnection(TestServers.RequireAdminConnectionString());
        await admin.OpenAsync();
        await using (var alter = new NpgsqlCommand($"alter database {app.DatabaseName} allow_connections {(accept ? "true" : "false")}", admin))
            await alter.ExecuteNonQueryAsync();
        if (accept) return;
        await using var kill = new NpgsqlCommand("select pg_terminate_backend(pid) from pg_stat_activity where datname = @db and pid <> pg_backend_pid()", admin);
        kill.Parameters.AddWithValue("db", app.DatabaseName);
        await kill.ExecuteNonQueryAsync();
    }

    [PostgresFact]
    public async Task WhileTheDatabaseRefusesConnections_RequestsAnswer503WithRetryAfter_ThenRecover()
    {
        var scenario = await TestData.PublishedScenarioAsync(app, TestData.ScenarioCommand("故障演练：数据库短暂不可用"));
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/scenarios/{scenario.Id}")).StatusCode);

        await AcceptConnectionsAsync(false);
        try
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                var api = await client.GetAsync($"/api/v1/scenarios/{scenario.Id}");
                statuses.Add(api.StatusCode);
                if (api.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("5", api.Headers.GetValues("Retry-After").Single());
                    Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
                }
            }
            Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
            Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
            var page = await client.GetAsync($"/scenarios/{scenario.Id}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Contains("服务暂时不可用", await page.Content.ReadAsStringAsync());
        }
        finally
        {
            await AcceptConnectionsAsync(true);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/scenarios/{scenario.Id}")).StatusCode);
    }
}
