using System.Net;
using Marketplace.IntegrationTests.Support;

namespace Marketplace.IntegrationTests;

public sealed class RateLimitTests(RateLimitedMarketplaceApp app) : IClassFixture<RateLimitedMarketplaceApp>
{
    [PostgresFact]
    public async Task Login_BeyondTheLimit_Answers429WithAMessage()
    {
        var client = app.FormClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var response = await MarketplaceApp.PostFormAsync(client, "/account/login", "/account/login",
                new Dictionary<string, string> { ["Email"] = "someone@firm.test", ["Password"] = "wrong-password-1" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                Assert.Contains("尝试过于频繁", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
