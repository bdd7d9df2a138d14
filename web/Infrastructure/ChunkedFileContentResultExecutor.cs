using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Writes a <c>File(byte[])</c> answer 64 KB at a time. The framework's executor hands Kestrel the whole array in one
/// write, and Kestrel copies all of it into its own buffers before it waits for the client, so 64 clients downloading a
/// 4 MB file held 256 MB of copies at once (the open data at national scale). Written in pieces, each answer holds at
/// most one piece beyond what the connection has taken, whatever the file's size. Headers, ranges and conditional
/// requests stay the framework's.
/// </summary>
public sealed class ChunkedFileContentResultExecutor(ILoggerFactory loggers) : FileContentResultExecutor(loggers)
{
    public const int ChunkBytes = 64 * 1024;

    protected override async Task WriteFileAsync(ActionContext context, FileContentResult result, RangeItemHeaderValue? range, long rangeLength)
    {
        if (range is not null && rangeLength == 0) return;
        var contents = result.FileContents;
        var (start, length) = range is { From: { } from } ? ((int)from, (int)rangeLength) : (0, contents.Length);
        var body = context.HttpContext.Response.Body;
        var aborted = context.HttpContext.RequestAborted;
        try
        {
            for (var offset = start; offset < start + length; offset += ChunkBytes)
                await body.WriteAsync(contents.AsMemory(offset, Math.Min(ChunkBytes, start + length - offset)), aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            context.HttpContext.Abort(); // the client went away: as the framework does, end the connection quietly
        }
    }
}
