using Marketplace.Matching.Text;

namespace Marketplace.UnitTests;

public sealed class ThesaurusTests
{
    private readonly Thesaurus _thesaurus = Thesaurus.Load();

    [Fact]
    public void ExpansionsFor_AddsTheOtherMembersOfTheGroup() =>
        Assert.Contains("虚拟电厂", _thesaurus.ExpansionsFor("源网荷储协同调控"));

    [Fact]
    public void AreEquivalent_IgnoresCaseForLatinTerms() => Assert.True(_thesaurus.AreEquivalent("bim", "建筑信息模型"));

    [Fact]
    public void Mentions_DoesNotMatchLatinTermsInsideOtherWords()
    {
        Assert.False(_thesaurus.Mentions("基于ARM芯片的网关", "AR"));
        Assert.True(_thesaurus.Mentions("提供AR导览", "AR"));
    }

    [Fact]
    public void Parse_SkipsCommentsAndAcceptsChineseCommas() =>
        Assert.Equal(["甲", "乙"], Assert.Single(Thesaurus.Parse(["# note", "甲，乙", ""])));
}
