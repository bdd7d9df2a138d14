namespace Marketplace.BuildingBlocks.Site;

/// <summary>Section <c>Site</c>: where links in emails, feeds and open data point.</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";
    public string BaseUrl { get; set; } = "http://127.0.0.1:5080";
}
