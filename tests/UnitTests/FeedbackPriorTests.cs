using Marketplace.Matching.Feedback;

namespace Marketplace.UnitTests;

/// <summary>The learning-from-use factor: neutral without a record, bounded, and stronger where the record is.</summary>
public sealed class FeedbackPriorTests
{
    private static readonly Guid Good = Guid.NewGuid(), Poor = Guid.NewGuid(), Other = Guid.NewGuid(), Newcomer = Guid.NewGuid();

    private static FeedbackPrior Prior(double weight = 0.1, params FeedbackOutcome[] extra) => FeedbackPrior.From(
    [
        new(Good, "数字化社区", 3, 3),
        new(Poor, "数字化社区", 0, 4),
        new(Other, "智慧交通", 1, 3),
        .. extra,
    ], weight, strength: 5);

    [Fact]
    public void MultiplierFor_WhenTheFirmHasNoRecord_IsExactlyOne()
    {
        Assert.Equal(1.0, Prior().MultiplierFor(Newcomer, "数字化社区"));
        Assert.Equal(1.0, FeedbackPrior.None.MultiplierFor(Good, "数字化社区"));
    }

    [Fact]
    public void MultiplierFor_WhenWeightIsZero_IsOneForEveryone()
    {
        var prior = Prior(weight: 0);
        Assert.Equal(1.0, prior.MultiplierFor(Good, "数字化社区"));
        Assert.Equal(1.0, prior.MultiplierFor(Poor, "数字化社区"));
    }

    [Fact]
    public void MultiplierFor_GoodRecord_LiftsModestly_PoorRecord_Lowers()
    {
        var prior = Prior();
        var good = prior.MultiplierFor(Good, "数字化社区");
        var poor = prior.MultiplierFor(Poor, "数字化社区");
        Assert.InRange(good, 1.0001, 1.1);
        Assert.InRange(poor, 0.9, 0.9999);
    }

    [Fact]
    public void MultiplierFor_IsStrongerInTheDomainOfTheRecord_ThanElsewhere()
    {
        var prior = Prior();
        Assert.True(prior.MultiplierFor(Good, "数字化社区") > prior.MultiplierFor(Good, "智慧医疗"));
        Assert.True(prior.MultiplierFor(Good, "智慧医疗") > 1.0); // the firm's record overall still counts a little
    }

    [Fact]
    public void MultiplierFor_StaysWithinTheWeight_HoweverLongTheRecord()
    {
        var prior = Prior(0.1, new FeedbackOutcome(Newcomer, "数字化社区", 10_000, 10_000), new FeedbackOutcome(Other, "数字化社区", 0, 10_000));
        Assert.InRange(prior.MultiplierFor(Newcomer, "数字化社区"), 1.0, 1.1);
        Assert.InRange(prior.MultiplierFor(Other, "数字化社区"), 0.9, 1.0);
    }

    [Fact]
    public void MultiplierFor_MoreEvidence_MovesFurther()
    {
        var one = FeedbackPrior.From([new(Good, "数字化社区", 1, 1), new(Poor, "数字化社区", 0, 5)], 0.1, 5);
        var five = FeedbackPrior.From([new(Good, "数字化社区", 5, 5), new(Poor, "数字化社区", 0, 5)], 0.1, 5);
        Assert.True(five.MultiplierFor(Good, "数字化社区") > one.MultiplierFor(Good, "数字化社区"));
    }

    [Fact]
    public void Scale_GoodRecordRanksHigher_EvenForANegativeScore()
    {
        var prior = Prior();
        Assert.True(prior.Scale(-0.5, Good, "数字化社区") > -0.5);
        Assert.True(prior.Scale(0.5, Good, "数字化社区") > 0.5);
        Assert.Equal(0.5, prior.Scale(0.5, Newcomer, "数字化社区"));
    }
}
