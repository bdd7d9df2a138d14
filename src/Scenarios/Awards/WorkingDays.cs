namespace Marketplace.Scenarios.Awards;

/// <summary>
/// Working days in China: Monday to Friday, except public holidays, plus the weekend days declared working (调休).
/// The calendar holds only the exceptions.
/// </summary>
public static class WorkingDays
{
    public static bool IsWorking(DateOnly day, IReadOnlyDictionary<DateOnly, bool> exceptions) =>
        exceptions.TryGetValue(day, out var working) ? working : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The last day of a period of <paramref name="count"/> working days starting the day after <paramref name="from"/>.</summary>
    public static DateOnly AddWorkingDays(DateOnly from, int count, IReadOnlyDictionary<DateOnly, bool> exceptions)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "A period has at least one working day.");
        var day = from;
        var left = count;
        while (left > 0)
        {
            day = day.AddDays(1);
            if (IsWorking(day, exceptions)) left--;
        }
        return day;
    }
}
