using Marketplace.BuildingBlocks.Results;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Listings;
using Npgsql;

namespace Marketplace.UnitTests;

/// <summary>
/// The input rules of the process's use cases, which refuse bad input before any database work: each asserted by its
/// stable error code. (A data source pointing nowhere proves nothing is touched: a query would fail to connect.)
/// </summary>
public sealed class UseCaseRuleTests
{
    private static readonly NpgsqlDataSource Nowhere = NpgsqlDataSource.Create("Host=203.0.113.1;Port=1;Timeout=1");
    private static readonly TimeProvider Clock = TimeProvider.System;

    private static IReadOnlyList<string> Codes<T>(Result<T> r) => r.Errors.Select(e => e.Code).ToList();

    [Fact]
    public async Task ChangeTerms_RefusesEachBrokenTerm()
    {
        var r = await new ChangeTerms(Nowhere, Clock, new Marketplace.BuildingBlocks.Outbox.OutboxSignal()).HandleAsync(new ChangeTermsCommand(Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(-1), -1, null, 0, "短", ""), Guid.NewGuid(), default);
        Assert.Equal(["note_required", "closes_at_future", "amount_negative", "description_length"], Codes(r));
    }

    [Fact]
    public async Task RejectScenario_NeedsAReason() =>
        Assert.Equal(["reason_required"], Codes(await new RejectScenario(Nowhere, Clock).HandleAsync(Guid.NewGuid(), Guid.NewGuid(), " ", default)));

    [Fact]
    public async Task Questions_NeedTextOfSensibleLength()
    {
        var questions = new Questions(Nowhere, Clock);
        Assert.Equal(["question_length"], Codes(await questions.AskAsync(Guid.NewGuid(), Guid.NewGuid(), "问？", default)));
        Assert.Equal(["answer_length"], Codes(await questions.AnswerAsync(Guid.NewGuid(), Guid.NewGuid(), "", default)));
    }

    [Fact]
    public async Task Objections_NeedNameEmailAndContent_AndAnswersNeedText()
    {
        var objections = new ObjectionProcess(Nowhere, Clock, new Marketplace.BuildingBlocks.Outbox.OutboxSignal(), Microsoft.Extensions.Options.Options.Create(new ObjectionOptions()));
        Assert.Equal(["name_required", "email_required", "content_length"], Codes(await objections.FileAsync(new ObjectionCommand(Guid.NewGuid(), "", null, "太短"), default)));
        Assert.Equal(["email_required", "content_length"], Codes(await objections.FileAsync(
            new ObjectionCommand(Guid.NewGuid(), "张三", "not an address <x@y.z>", new string('长', ObjectionRules.MaxContent + 1)), default)));
        Assert.Equal(["answer_required"], Codes(await objections.AnswerAsync(Guid.NewGuid(), Guid.NewGuid(), "嗯", upheld: false, default)));
    }

    [Theory]
    [InlineData(" Zhang.San+objection@Example.COM ", "zhang.san+objection@example.com", "zhang.san@example.com")]
    [InlineData("li@gov.test", "li@gov.test", "li@gov.test")]
    public void ObjectorEmails_AreNormalised_AndTagsAreOnePerson(string typed, string address, string identity)
    {
        Assert.Equal(address, ObjectionRules.Address(typed));
        Assert.Equal(identity, ObjectionRules.IdentityKey(ObjectionRules.Address(typed)!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("a@localhost")]
    [InlineData("Name <a@b.cn>")]
    [InlineData("a@b.cn, c@d.cn")]
    public void ObjectorEmails_ThatAreNotOnePlainAddress_AreRefused(string typed) => Assert.Null(ObjectionRules.Address(typed));

    [Fact]
    public void ObjectionTexts_DifferingOnlyInSpacing_AreTheSameText() =>
        Assert.Equal(ObjectionRules.ContentHash("入选企业的 案例\n材料不符"), ObjectionRules.ContentHash("  入选企业的\t案例 材料不符 "));

    [Fact]
    public async Task Delivery_NeedsEvidenceAndAKnownVerdict()
    {
        var delivery = new DeliveryProcess(Nowhere, Clock);
        Assert.Equal(["evidence_required"], Codes(await delivery.SubmitEvidenceAsync(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "", default)));
        Assert.Equal(["verdict_unknown"], Codes(await delivery.JudgeAsync(Guid.NewGuid(), Guid.NewGuid(), "maybe", null, default)));
    }

    [Fact]
    public async Task Suspension_NeedsAFutureDayAndAReason()
    {
        var suspension = new Suspension(Nowhere, Clock, new Marketplace.BuildingBlocks.Outbox.OutboxSignal());
        Assert.Equal(["suspension_until", "suspension_reason"], Codes(await suspension.SuspendAsync(Guid.NewGuid(), new DateOnly(2000, 1, 1), "", Guid.NewGuid(), default)));
        Assert.Equal(["suspension_until"], Codes(await suspension.SuspendAsync(Guid.NewGuid(), DateOnly.FromDateTime(DateTime.UtcNow).AddYears(11), "失信被执行人", Guid.NewGuid(), default)));
    }

    [Fact]
    public async Task EditScenario_AppliesTheSameRulesAsCreating()
    {
        var command = new CreateScenarioCommand("短", null, null, "nope", null, null, null, null, 10, 5, "single", 2, null, null, null, -1,
            Rubric: [new("技术方案", 0)], Visibility: "partners");
        var r = await new EditScenario(Nowhere, Clock).HandleAsync(Guid.NewGuid(), command, Guid.NewGuid(), default);
        Assert.Superset(new HashSet<string> { "title_length", "category_unknown", "budget_range", "award_slots", "closes_at_future", "rubric_weight", "partner_regions_required" },
            Codes(r).ToHashSet());
    }
}
