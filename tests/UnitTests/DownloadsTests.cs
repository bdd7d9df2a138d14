using System.IO.Compression;
using System.Text;
using Marketplace.BuildingBlocks.Caching;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.UnitTests;

/// <summary>Files answered from memory: in pieces, gzip-compressed where the client accepts it, 304 for content it holds.</summary>
public sealed class DownloadsTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"场景{i},")));

    private static DefaultHttpContext Context(params (string Name, string Value)[] headers)
    {
        var services = new ServiceCollection().AddLogging()
            .AddSingleton<IActionResultExecutor<FileContentResult>, ChunkedFileContentResultExecutor>().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        foreach (var (name, value) in headers) context.Request.Headers[name] = value;
        context.Response.Body = new RecordingStream();
        return context;
    }

    private static async Task<(DefaultHttpContext Context, RecordingStream Body)> ServeAsync(KeptFile file, params (string, string)[] headers)
    {
        var context = Context(headers);
        var controller = new Plain { ControllerContext = new ControllerContext { HttpContext = context } };
        await controller.Kept(file, "text/csv; charset=utf-8", "scenarios.csv")
            .ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return (context, (RecordingStream)context.Response.Body);
    }

    [Fact]
    public async Task ALargeFile_IsWrittenInPiecesOfAtMost64KB_AndArrivesWhole()
    {
        var context = Context();
        var executor = new ChunkedFileContentResultExecutor(NullLoggerFactory.Instance);
        await executor.ExecuteAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()), new FileContentResult(Content, "text/plain"));

        var body = (RecordingStream)context.Response.Body;
        Assert.True(Content.Length > 4 * ChunkedFileContentResultExecutor.ChunkBytes);
        Assert.All(body.Writes, w => Assert.InRange(w, 1, ChunkedFileContentResultExecutor.ChunkBytes));
        Assert.Equal(Content, body.ToArray());
        Assert.Equal(Content.Length, context.Response.ContentLength);
    }

    [Fact]
    public async Task ARangeRequest_GetsExactlyItsRange_InPieces()
    {
        var context = Context(("Range", "bytes=100-200099"));
        var executor = new ChunkedFileContentResultExecutor(NullLoggerFactory.Instance);
        await executor.ExecuteAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()),
            new FileContentResult(Content, "text/plain") { EnableRangeProcessing = true });

        var body = (RecordingStream)context.Response.Body;
        Assert.Equal(StatusCodes.Status206PartialContent, context.Response.StatusCode);
        Assert.Equal(Content.AsSpan(100, 200_000).ToArray(), body.ToArray());
        Assert.All(body.Writes, w => Assert.InRange(w, 1, ChunkedFileContentResultExecutor.ChunkBytes));
    }

    [Theory]
    [InlineData("gzip, deflate, br", true)]
    [InlineData("GZIP", true)]
    [InlineData("*", true)]
    [InlineData("br;q=1, gzip;q=0.5", true)]
    [InlineData("gzip;q=0, br", false)]
    [InlineData("*;q=0", false)]
    [InlineData("gzip;q=0, *", false)]
    [InlineData("identity", false)]
    [InlineData("", false)]
    public async Task AKeptFile_IsGzippedExactlyWhenTheClientAcceptsGzip(string acceptEncoding, bool gzipped)
    {
        var file = KeptFile.Of(Content);
        var (context, body) = await ServeAsync(file, ("Accept-Encoding", acceptEncoding));

        Assert.Equal("Accept-Encoding", context.Response.Headers.Vary.ToString());
        Assert.Equal(gzipped ? "gzip" : "", context.Response.Headers.ContentEncoding.ToString());
        Assert.Contains("scenarios.csv", context.Response.Headers.ContentDisposition.ToString());
        var received = body.ToArray();
        Assert.Equal(Content, gzipped ? Gunzip(received) : received);
        if (gzipped) Assert.True(received.Length * 4 < Content.Length, $"gzip gave {received.Length:N0} of {Content.Length:N0} bytes");
    }

    [Fact]
    public async Task AClientHoldingTheSameContent_Gets304_AndEachEncodingHasItsOwnTag()
    {
        var (plain, _) = await ServeAsync(KeptFile.Of(Content));
        var (gzip, _) = await ServeAsync(KeptFile.Of(Content), ("Accept-Encoding", "gzip"));
        var plainTag = plain.Response.Headers.ETag.ToString();
        var gzipTag = gzip.Response.Headers.ETag.ToString();
        Assert.NotEqual("", plainTag);
        Assert.NotEqual(plainTag, gzipTag);

        // The same bytes computed again (the data version moved, the content did not) keep their tag.
        var (again, body) = await ServeAsync(KeptFile.Of([.. Content]), ("Accept-Encoding", "gzip"), ("If-None-Match", gzipTag));
        Assert.Equal(StatusCodes.Status304NotModified, again.Response.StatusCode);
        Assert.Empty(body.ToArray());

        // Other content, or the other encoding's tag, is sent in full.
        var (changed, changedBody) = await ServeAsync(KeptFile.Of([.. Content, (byte)'!']), ("If-None-Match", plainTag));
        Assert.Equal(StatusCodes.Status200OK, changed.Response.StatusCode);
        Assert.Equal(Content.Length + 1, changedBody.ToArray().Length);
        var (crossed, _) = await ServeAsync(KeptFile.Of(Content), ("If-None-Match", gzipTag));
        Assert.Equal(StatusCodes.Status200OK, crossed.Response.StatusCode);
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)) gzip.CopyTo(output);
        return output.ToArray();
    }

    private sealed class Plain : ControllerBase;

    /// <summary>A response body that keeps what it was given and the size of each write.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count) { Writes.Add(count); base.Write(buffer, offset, count); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Writes.Add(buffer.Length);
            return base.WriteAsync(buffer, ct);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            Writes.Add(count);
            return base.WriteAsync(buffer, offset, count, ct);
        }
    }
}
