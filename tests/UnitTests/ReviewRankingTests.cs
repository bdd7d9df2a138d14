using Marketplace.Scenarios.Reviews;

namespace Marketplace.UnitTests;

public sealed class ReviewRankingTests
{
    private static readonly Criterion[] Rubric = [new("技术方案", 60), new("报价合理性", 40)];

    private static IReadOnlyDictionary<string, decimal> Review(decimal tech, decimal price) =>
        new Dictionary<string, decimal> { ["技术方案"] = tech, ["报价合理性"] = price };

    [Fact]
    public void Rank_UsesWeightedAveragesAndFlagsTooFewReviews()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var ranked = ReviewProcess.Rank(Rubric, [
            (a, Guid.NewGuid(), [Review(80, 50), Review(90, 70)]),
            (b, Guid.NewGuid(), [Review(100, 100)]),
        ], dropExtremes: false);

        Assert.Equal(b, ranked[0].ApplicationId);
        Assert.True(ranked[0].NeedsMoreReviews);
        Assert.Equal(75m, ranked[1].Score); // (68 + 82) / 2
        Assert.False(ranked[1].NeedsMoreReviews);
    }

    [Fact]
    public void Rank_DropsHighestAndLowestOnlyWithThreeOrMoreReviews()
    {
        var id = Guid.NewGuid();
        var ranked = ReviewProcess.Rank(Rubric, [(id, Guid.NewGuid(), [Review(10, 10), Review(70, 70), Review(80, 80), Review(100, 100)])], dropExtremes: true);
        Assert.Equal(75m, Assert.Single(ranked).Score);
        var two = ReviewProcess.Rank(Rubric, [(id, Guid.NewGuid(), [Review(10, 10), Review(70, 70)])], dropExtremes: true);
        Assert.Equal(40m, Assert.Single(two).Score);
    }

    [Fact]
    public void CheckScores_NamesMissingUnknownAndOutOfRangeCriteria()
    {
        var errors = ReviewProcess.CheckScores(Rubric, [new("技术方案", 120, null), new("颜值", 50, null)]);
        Assert.Equal(["criterion_missing", "criterion_unknown", "score_range"], errors.Select(e => e.Code));
    }
}
