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
    public async Task Objections_NeedNameContactAndContent_AndAnswersNeedText()
    {
        var awards = new AwardProcess(Nowhere, Clock, new Marketplace.BuildingBlocks.Outbox.OutboxSignal());
        Assert.Equal(["name_required", "contact_required", "content_length"], Codes(await awards.FileObjectionAsync(new ObjectionCommand(Guid.NewGuid(), "", null, "太短"), default)));
        Assert.Equal(["answer_required"], Codes(await awards.AnswerObjectionAsync(Guid.NewGuid(), Guid.NewGuid(), "嗯", upheld: false, default)));
    }

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
