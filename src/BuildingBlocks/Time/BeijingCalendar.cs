namespace Marketplace.BuildingBlocks.Time;

/// <summary>
/// The one definition of "which day is it" for the product's rules: deadlines, suspensions, daily caps and reports all
/// count calendar days in Beijing (UTC+8, no daylight saving since 1991), whatever the server's time zone.
/// </summary>
public static class BeijingCalendar
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The Beijing calendar day of an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>Today in Beijing by the given clock.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOf(clock.GetUtcNow());

    /// <summary>An instant as Beijing wall-clock time (for forms and labels).</summary>
    public static DateTime LocalTime(DateTimeOffset instant) => instant.ToOffset(Offset).DateTime;

    /// <summary>A Beijing wall-clock time as an instant.</summary>
    public static DateTimeOffset FromLocal(DateTime local) => new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Offset);

    /// <summary>The first instant of a Beijing calendar day.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);
}
