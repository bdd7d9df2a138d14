using Marketplace.BuildingBlocks.Paging;

namespace Marketplace.UnitTests;

/// <summary>The one paging rule every list uses: which pages exist, what the pager offers, when a page is out of range.</summary>
public sealed class PageInfoTests
{
    [Fact]
    public void Window_WhenInTheMiddleOfManyPages_OffersFirstLastAndNeighboursWithGaps()
    {
        var info = new PageInfo(Page: 8, PageSize: 20, Total: 302);
        Assert.Equal(16, info.LastPage);
        Assert.Equal([1, 0, 6, 7, 8, 9, 10, 0, 16], info.Window());
        Assert.Equal((141, 160), (info.First, info.Last));
        Assert.True(info.HasPrevious && info.HasNext);
    }

    [Fact]
    public void Window_WhenFewPages_HasNoGaps()
    {
        Assert.Equal([1, 2, 3], new PageInfo(1, 20, 58).Window());
        Assert.Equal([1], new PageInfo(1, 20, 0).Window());
    }

    [Fact]
    public void IsOutOfRange_WhenPagePastTheEnd_AndShowsNothing()
    {
        var info = new PageInfo(999, 20, 58);
        Assert.True(info.IsOutOfRange);
        Assert.False(info.HasPrevious);
        Assert.False(info.HasNext);
        Assert.Equal((0, 0), (info.First, info.Last));
    }

    [Fact]
    public void IsOutOfRange_WhenListEmpty_IsFalseForTheFirstPage()
    {
        Assert.False(new PageInfo(1, 20, 0).IsOutOfRange);
        Assert.Equal(1, new PageInfo(1, 20, 0).LastPage);
    }

    [Fact]
    public void LastPage_WhenTotalFillsPagesExactly_HasNoEmptyPage()
    {
        var info = new PageInfo(3, 20, 60);
        Assert.Equal(3, info.LastPage);
        Assert.False(info.HasNext);
        Assert.Equal((41, 60), (info.First, info.Last));
    }
}
