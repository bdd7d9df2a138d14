using Marketplace.BuildingBlocks.Results;
using Marketplace.BuildingBlocks.Time;

namespace Marketplace.Scenarios.Listings;

/// <summary>
/// 企业出题: a firm poses a problem; it becomes a proposed scenario (待审核) that officers complete, publish or reject.
/// What a firm leaves open gets the same defaults whether it used the form or the API.
/// </summary>
public sealed class ProposeScenario(CreateScenario create, TimeProvider clock)
{
    /// <summary>A proposal's provisional deadline: 17:00 Beijing time, 60 days ahead (officers set the real one).</summary>
    public static DateTimeOffset DefaultDeadline(TimeProvider clock) =>
        BeijingCalendar.FromLocal(BeijingCalendar.Today(clock).AddDays(60).ToDateTime(new TimeOnly(17, 0)));

    public CreateScenarioCommand WithDefaults(CreateScenarioCommand c) => c with
    {
        ClosesAt = c.ClosesAt ?? DefaultDeadline(clock),
        Mode = string.IsNullOrWhiteSpace(c.Mode) ? ScenarioMode.Single : c.Mode,
        AwardSlots = c.AwardSlots == 0 ? 1 : c.AwardSlots,
    };

    public Task<Result<Guid>> HandleAsync(CreateScenarioCommand c, Guid proposedBy, Guid enterpriseId, CancellationToken ct) =>
        create.HandleAsync(WithDefaults(c), ct, proposedBy, enterpriseId);
}
