using System.Text;
using Marketplace.Accounts.Api;

namespace Marketplace.UnitTests;

/// <summary>The shape of API token secrets and token requests.</summary>
public sealed class ApiTokenRulesTests
{
    [Fact]
    public void NewSecret_IsThePrefixAnd32RandomBytesInBase64Url()
    {
        var secrets = Enumerable.Range(0, 200).Select(_ => ApiTokens.NewSecret()).ToList();
        Assert.All(secrets, s =>
        {
            Assert.StartsWith("mkt_", s);
            Assert.Equal(ApiTokens.SecretLength, s.Length);
            Assert.Equal(32, Convert.FromBase64String(s[4..].Replace('-', '+').Replace('_', '/') + "=").Length);
            Assert.True(ApiTokens.LooksLikeSecret(s));
        });
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mkt_")]
    [InlineData("mkt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // one short
    [InlineData("mkt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // one long
    [InlineData("abc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mkt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("mkt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    public void LooksLikeSecret_RefusesAnythingElse(string? candidate) => Assert.False(ApiTokens.LooksLikeSecret(candidate));

    [Theory]
    [InlineData("数据同步脚本", 30, new string[0])]
    [InlineData("x", 1, new string[0])]
    [InlineData("", 30, new[] { "token_name_length" })]
    [InlineData("   ", 30, new[] { "token_name_length" })]
    [InlineData("ok", 0, new[] { "token_lifetime" })]
    [InlineData("ok", 366, new[] { "token_lifetime" })]
    [InlineData(null, null, new[] { "token_name_length", "token_lifetime" })]
    public void CheckRequest_NamesTheRuleThatSaidNo(string? name, int? days, string[] codes) =>
        Assert.Equal(codes, ApiTokens.CheckRequest(name, days, 365).Select(e => e.Code));

    [Fact]
    public void CheckRequest_RefusesANameOver60Characters() =>
        Assert.Equal("Name", Assert.Single(ApiTokens.CheckRequest(new string('名', 61), 30, 365)).Field);
}

/// <summary>What an Idempotency-Key may be, and what "the same request" means.</summary>
public sealed class IdempotencyKeyRulesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("3f2c9a4e-8b1d-4c7e-9f00-123456789abc")]
    [InlineData("order 17 / retry ~ok!")]
    public void Check_AcceptsPrintableAscii(string key) => Assert.Null(IdempotencyKeys.Check(key));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("键")]
    [InlineData("tab\there")]
    [InlineData("bell\u0007")]
    [InlineData("del\u007f")]
    public void Check_RefusesEverythingElse_ForTheHeaderField(string? key)
    {
        var error = IdempotencyKeys.Check(key);
        Assert.NotNull(error);
        Assert.Equal(("idempotency_key_invalid", "Idempotency-Key"), (error.Code, error.Field));
    }

    [Fact]
    public void Check_AllowsAtMost255Characters()
    {
        Assert.Null(IdempotencyKeys.Check(new string('k', 255)));
        Assert.NotNull(IdempotencyKeys.Check(new string('k', 256)));
    }

    private static Task<string> HashAsync(string method, string path, string body) =>
        IdempotencyKeys.RequestHashAsync(method, path, new MemoryStream(Encoding.UTF8.GetBytes(body)), default);

    [Fact]
    public async Task RequestHash_DependsOnMethodPathAndBody()
    {
        var hash = await HashAsync("POST", "/api/v1/scenarios", "{\"a\":1}");
        Assert.Equal(hash, await HashAsync("post", "/api/v1/scenarios", "{\"a\":1}"));
        Assert.NotEqual(hash, await HashAsync("PUT", "/api/v1/scenarios", "{\"a\":1}"));
        Assert.NotEqual(hash, await HashAsync("POST", "/api/v1/scenarios/x", "{\"a\":1}"));
        Assert.NotEqual(hash, await HashAsync("POST", "/api/v1/scenarios", "{\"a\":2}"));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }
}
