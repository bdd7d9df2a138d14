using System.IO.Compression;
using System.Security.Cryptography;

namespace Marketplace.BuildingBlocks.Caching;

/// <summary>
/// A file kept in memory to be served many times: its bytes, the same bytes gzip-compressed once (so a client that
/// accepts gzip costs an eighth of the bytes and no compression per request), and a tag of the content for entity tags
/// (same bytes, same tag, whatever else changed in the database).
/// </summary>
public sealed record KeptFile(byte[] Bytes, byte[] Gzip, string Tag)
{
    public static KeptFile Of(byte[] bytes)
    {
        using var compressed = new PieceBuffer();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return new KeptFile(bytes, compressed.ToArray(), Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)));
    }
}
