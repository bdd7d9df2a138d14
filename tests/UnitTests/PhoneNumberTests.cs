using Marketplace.Enterprises.Profiles;

namespace Marketplace.UnitTests;

/// <summary>Contact phone numbers: what a person can dial is kept, letters and fragments are refused.</summary>
public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("13800138000")]
    [InlineData("138 0013 8000")]
    [InlineData("010-81234567")]
    [InlineData("(010) 8123 4567")]
    [InlineData("010-81234567转123")]
    [InlineData("010-81234567 ext. 9")]
    [InlineData("+86 138 0013 8000")]
    public void IsPhone_WhenDialable_IsTrue(string number) => Assert.True(ProfileRules.IsPhone(number));

    [Theory]
    [InlineData("abc")]
    [InlineData("12345")]
    [InlineData("电话号码")]
    [InlineData("010-8123abcd")]
    [InlineData("1380013800012345678")]
    [InlineData("--------")]
    public void IsPhone_WhenNotANumber_IsFalse(string number) => Assert.False(ProfileRules.IsPhone(number));
}
