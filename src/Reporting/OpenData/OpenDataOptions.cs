namespace Marketplace.Reporting.OpenData;

/// <summary>Section <c>OpenData</c>.</summary>
public sealed class OpenDataOptions
{
    public const string Section = "OpenData";
    /// <summary>The OCID prefix ("ocds-" and six characters); a registered one replaces this default in production.</summary>
    public string OcidPrefix { get; set; } = "ocds-tzsc26";
    public string PublisherName { get; set; } = "北京市通州区应用场景供需对接平台";
    /// <summary>The site's public address for links in open data and feeds; the host copies it from its <c>Site:BaseUrl</c>.</summary>
    public string SiteUrl { get; set; } = "http://127.0.0.1:5080";

    internal string Absolute(string path) => SiteUrl.TrimEnd('/') + path;
}
