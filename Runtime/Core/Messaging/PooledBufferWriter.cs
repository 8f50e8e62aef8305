using System.Buffers;

namespace MicroSeg.Runtime.Messaging;

/// <summary>A frame ready to write: a pooled buffer and its length. <see cref="Return"/> gives the buffer back.</summary>
internal readonly record struct OutgoingFrame(byte[] Buffer, int Length)
{
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>An <see cref="IBufferWriter{T}"/> over pooled arrays, whose result is handed over as an <see cref="OutgoingFrame"/>.</summary>
internal sealed class PooledBufferWriter(int initialSize) : IBufferWriter<byte>, IDisposable
{
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _written;

    public int WrittenCount => _written;

    public Span<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public OutgoingFrame Detach()
    {
        var frame = new OutgoingFrame(_buffer!, _written);
        _buffer = null;
        return frame;
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
            ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }

    private void Ensure(int sizeHint)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferWriter));
        sizeHint = Math.Max(sizeHint, 1);
        if (buffer.Length - _written >= sizeHint)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, _written + sizeHint));
        buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        _buffer = larger;
    }
}
