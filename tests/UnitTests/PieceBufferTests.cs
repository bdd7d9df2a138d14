using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Marketplace.BuildingBlocks.Caching;

namespace Marketplace.UnitTests;

/// <summary>The buffer that builds kept files without growing one large array: same bytes as written, cap respected.</summary>
public sealed class PieceBufferTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(PieceBuffer.PieceBytes, 7)]
    [InlineData(PieceBuffer.PieceBytes - 1, PieceBuffer.PieceBytes + 1)]
    [InlineData(5 * PieceBuffer.PieceBytes + 123, 4_999)]
    [InlineData(3 * PieceBuffer.PieceBytes, 3 * PieceBuffer.PieceBytes)]
    public async Task ToArray_HoldsExactlyTheBytesWritten_InOrder_WhateverTheWriteSizes(int total, int writeSize)
    {
        var expected = new byte[total];
        new Random(total ^ writeSize).NextBytes(expected);
        using var buffer = new PieceBuffer();
        for (var at = 0; at < total; at += writeSize)
        {
            var part = expected.AsMemory(at, Math.Min(writeSize, total - at));
            // Every way a writer reaches a stream: span, array, single bytes, async.
            switch (at / writeSize % 4)
            {
                case 0: buffer.Write(part.Span); break;
                case 1: buffer.Write(part.ToArray(), 0, part.Length); break;
                case 2: foreach (var b in part.Span) buffer.WriteByte(b); break;
                default: await buffer.WriteAsync(part); break;
            }
        }
        Assert.Equal(total, buffer.Length);
        Assert.Equal(expected, buffer.ToArray());
    }

    [Fact]
    public void AWriteThatWouldPassTheCap_Throws_AndWhatWasWrittenStays()
    {
        using var buffer = new PieceBuffer(cap: 100);
        buffer.Write(new byte[60]);
        Assert.Throws<PieceBuffer.FullException>(() => buffer.Write(new byte[41]));
        Assert.Equal(60, buffer.Length);
        buffer.Write(new byte[40]);
        Assert.Equal(100, buffer.ToArray().Length);
    }

    [Fact]
    public async Task WritersThatStreamIntoIt_ProduceWhatTheyWouldIntoAMemoryStream()
    {
        var rows = Enumerable.Range(0, 20_000).Select(i => new { code = $"SC-{i:00000}", title = $"智慧场景 {i}" }).ToList();
        using var pieces = new PieceBuffer();
        await JsonSerializer.SerializeAsync(pieces, rows);
        using var memory = new MemoryStream();
        await JsonSerializer.SerializeAsync(memory, rows);
        Assert.Equal(memory.ToArray(), pieces.ToArray());

        var kept = KeptFile.Of(pieces.ToArray());
        using var gunzip = new GZipStream(new MemoryStream(kept.Gzip), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gunzip.CopyToAsync(plain);
        Assert.Equal(kept.Bytes, plain.ToArray());
        Assert.StartsWith("[{\"code\":\"SC-00000\"", Encoding.UTF8.GetString(kept.Bytes));
    }

    [Fact]
    public void AfterDispose_ItRefusesWrites()
    {
        var buffer = new PieceBuffer();
        buffer.Write(new byte[10]);
        buffer.Dispose();
        Assert.False(buffer.CanWrite);
        Assert.Throws<ObjectDisposedException>(() => buffer.Write(new byte[1]));
    }
}
