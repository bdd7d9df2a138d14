namespace Marketplace.BuildingBlocks.Paging;

/// <summary>
/// Where a list stands: the page asked for, its size and how many items match. One definition for every list (the
/// hall, the capability list, the directory, the officers' scenarios), so "page 999 of 3" is told the same way everywhere.
/// </summary>
public sealed record PageInfo(int Page, int PageSize, int Total)
{
    /// <summary>The last page that exists; 1 when the list is empty (an empty list still has its first page).</summary>
    public int LastPage => Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>A page past the end of a non-empty list, or a page number below 1: the list has no such page.</summary>
    public bool IsOutOfRange => Page < 1 || (Total > 0 && Page > LastPage);

    public int Offset => (Math.Max(1, Page) - 1) * PageSize;

    public bool HasPrevious => Page > 1 && !IsOutOfRange;
    public bool HasNext => Page < LastPage;

    /// <summary>Position of the first and last item shown (1-based), for "21–40 of 302".</summary>
    public int First => Total == 0 || IsOutOfRange ? 0 : Offset + 1;
    public int Last => Total == 0 || IsOutOfRange ? 0 : Math.Min(Total, Offset + PageSize);

    /// <summary>
    /// The page numbers to offer: the first, the last and a window around the current one; 0 marks a gap ("…").
    /// </summary>
    public IReadOnlyList<int> Window(int radius = 2)
    {
        var current = Math.Clamp(Page, 1, LastPage);
        var pages = new SortedSet<int> { 1, LastPage };
        for (var p = current - radius; p <= current + radius; p++)
            if (p >= 1 && p <= LastPage) pages.Add(p);
        var result = new List<int>();
        var previous = 0;
        foreach (var p in pages)
        {
            if (previous != 0 && p > previous + 1) result.Add(0);
            result.Add(p);
            previous = p;
        }
        return result;
    }

    /// <summary>A requested page number clamped to what a list accepts (at least 1, at most <paramref name="max"/>).</summary>
    public static int Clamp(int page, int max = 1000) => Math.Clamp(page, 1, max);
}
