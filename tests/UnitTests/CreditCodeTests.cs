using Marketplace.Enterprises.Profiles;

namespace Marketplace.UnitTests;

public sealed class CreditCodeTests
{
    [Theory]
    [InlineData("91131082MA0BN72F7Q")]
    [InlineData("91110000600037341L")]
    public void Validate_WhenCodeIsGenuine_ReportsNone(string code) =>
        Assert.Equal(CreditCode.Problem.None, CreditCode.Validate(code));

    [Fact]
    public void Validate_WhenLastCharacterIsWrong_ReportsCheck() =>
        Assert.Equal(CreditCode.Problem.Check, CreditCode.Validate("91131082MA0BN72F7R"));

    [Fact]
    public void Validate_WhenOrganisationCheckIsWrong_ReportsOrganisationCheck() =>
        Assert.Equal(CreditCode.Problem.OrganisationCheck, CreditCode.Validate("91131082MA0BN72F8Q"));

    [Theory]
    [InlineData(null, CreditCode.Problem.Length)]
    [InlineData("9113108", CreditCode.Problem.Length)]
    [InlineData("91131082MA0BN72FIQ", CreditCode.Problem.Character)]
    [InlineData("91131082ma0bn72f7q", CreditCode.Problem.Character)]
    public void Validate_WhenMalformed_SaysWhy(string? code, CreditCode.Problem expected) =>
        Assert.Equal(expected, CreditCode.Validate(code));

    [Fact]
    public void Describe_WhenWrong_GivesChineseMessage() =>
        Assert.Contains("校验位", CreditCode.Describe("91131082MA0BN72F7R"));

    [Fact]
    public void Complete_AlwaysProducesValidCodes()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var body = new string(Enumerable.Range(0, 8).Select(_ => "0123456789ABCDEFGHJKLMNPQRTUWXY"[random.Next(31)]).ToArray());
            var code = CreditCode.Complete("91110112" + body);
            Assert.True(CreditCode.IsValid(code), code);
        }
    }
}
