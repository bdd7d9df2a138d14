using System.Text.Json;
using Marketplace.BuildingBlocks.Caching;
using Marketplace.BuildingBlocks.Data;

namespace Marketplace.Reporting.OpenData;

/// <summary>
/// The open-data downloads (every published scenario as CSV and as JSON) are the same bytes for everyone until the data
/// or the minute changes, and each is megabytes at national scale: built once per committed state of the database
/// (decision 65) and served from memory. A file larger than <see cref="MaxKeptBytes"/> is not kept; its requests are
/// streamed from PostgreSQL as they were before, so memory stays bounded however many scenarios there are.
/// A kept file is also kept gzip-compressed (about an eighth of its size, compressed once, not per request) and carries
/// a tag of its content, so a client that accepts gzip or already holds the same bytes costs little to answer.
/// </summary>
public sealed class OpenDataFiles(OpenDataQueries openData, DataVersion data, TimeProvider clock)
{
    public const int MaxKeptBytes = 24 * 1024 * 1024;
    private static readonly TimeSpan Staleness = TimeSpan.FromSeconds(30);
    private readonly VersionedCache<KeptFile?> _files = new(capacity: 2);

    /// <summary>The CSV, or null when it is too large to keep (write it with <see cref="OpenDataQueries.WriteCsvAsync"/>).</summary>
    public async Task<KeptFile?> CsvAsync(CancellationToken ct) =>
        await _files.GetOrAddAsync("csv", await data.AtMinuteAsync(clock, ct), c => KeepAsync(s => openData.WriteCsvAsync(s, c)), ct, Staleness);

    /// <summary>The JSON array as <paramref name="json"/> writes it, or null when too large to keep.</summary>
    public async Task<KeptFile?> JsonAsync(JsonSerializerOptions json, CancellationToken ct) =>
        await _files.GetOrAddAsync("json", await data.AtMinuteAsync(clock, ct),
            c => KeepAsync(s => JsonSerializer.SerializeAsync(s, openData.StreamAsync(c), json, c)), ct, Staleness);

    private static async Task<KeptFile?> KeepAsync(Func<Stream, Task> write)
    {
        using var buffer = new PieceBuffer(MaxKeptBytes);
        try { await write(buffer); }
        catch (PieceBuffer.FullException) { return null; }
        return KeptFile.Of(buffer.ToArray());
    }
}
