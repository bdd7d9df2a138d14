using System.Diagnostics;

namespace Marketplace.BuildingBlocks.Diagnostics;

/// <summary>
/// The product's own trace source, beside ASP.NET Core's and Npgsql's. Modules start spans for work no library traces
/// (an outbox message handled, an email sent); the host listens to it by <see cref="SourceName"/>. Without a listener
/// <c>StartActivity</c> returns null and costs a check.
/// </summary>
public static class Telemetry
{
    public const string SourceName = "Marketplace";

    public static readonly ActivitySource Source = new(SourceName);
}
