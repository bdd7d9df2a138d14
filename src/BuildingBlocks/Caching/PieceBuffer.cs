using System.Buffers;

namespace Marketplace.BuildingBlocks.Caching;

/// <summary>
/// A write-only stream that gathers bytes in pieces of <see cref="PieceBytes"/> (below the large object threshold, from
/// the shared pool) and hands them out as one array of the exact size. A <see cref="MemoryStream"/> grows by doubling:
/// building a 10 MB file leaves 2 + 4 + 8 + 16 MB of large-object garbage besides the copy that is kept, and the
/// garbage collector keeps that space long after. Built this way, the only large array is the one kept.
/// </summary>
public sealed class PieceBuffer(long cap = long.MaxValue) : Stream
{
    public const int PieceBytes = 64 * 1024;

    /// <summary>Thrown by a write that would take the buffer past its cap.</summary>
    public sealed class FullException() : IOException("The buffer is full");

    private readonly List<byte[]> _pieces = [];
    private int _usedInLast = PieceBytes;
    private long _length;
    private bool _disposed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_length + buffer.Length > cap) throw new FullException();
        while (buffer.Length > 0)
        {
            if (_usedInLast == PieceBytes)
            {
                _pieces.Add(ArrayPool<byte>.Shared.Rent(PieceBytes));
                _usedInLast = 0;
            }
            var n = Math.Min(buffer.Length, PieceBytes - _usedInLast);
            buffer[..n].CopyTo(_pieces[^1].AsSpan(_usedInLast));
            _usedInLast += n;
            _length += n;
            buffer = buffer[n..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Everything written, as one array of exactly <see cref="Length"/> bytes.</summary>
    public byte[] ToArray()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = GC.AllocateUninitializedArray<byte>(checked((int)_length));
        var at = 0;
        for (var i = 0; i < _pieces.Count; i++)
        {
            var n = i == _pieces.Count - 1 ? _usedInLast : PieceBytes;
            _pieces[i].AsSpan(0, n).CopyTo(result.AsSpan(at));
            at += n;
        }
        return result;
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            foreach (var piece in _pieces) ArrayPool<byte>.Shared.Return(piece);
            _pieces.Clear();
        }
        base.Dispose(disposing);
    }
}
