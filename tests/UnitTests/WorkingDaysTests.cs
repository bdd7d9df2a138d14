using Marketplace.Scenarios.Awards;

namespace Marketplace.UnitTests;

public sealed class WorkingDaysTests
{
    private static readonly Dictionary<DateOnly, bool> None = new();

    [Fact]
    public void AddWorkingDays_SkipsWeekends() =>
        Assert.Equal(new DateOnly(2026, 12, 4), WorkingDays.AddWorkingDays(new DateOnly(2026, 11, 27), 5, None)); // Fri + 5 → next Fri

    [Fact]
    public void AddWorkingDays_SkipsHolidaysAndCountsWorkingWeekendDays()
    {
        // National Day 2026: 1–7 October off, Saturday 10 October a working day (调休).
        var calendar = Enumerable.Range(1, 7).ToDictionary(d => new DateOnly(2026, 10, d), _ => false);
        calendar[new DateOnly(2026, 10, 10)] = true;
        Assert.Equal(new DateOnly(2026, 10, 10), WorkingDays.AddWorkingDays(new DateOnly(2026, 9, 30), 3, calendar));
    }

    [Fact]
    public void AddWorkingDays_RefusesAnEmptyPeriod() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkingDays.AddWorkingDays(new DateOnly(2026, 1, 1), 0, None));
}
