using System.Runtime.InteropServices;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>
/// Reads <see cref="FlowEvent"/> records from ms_events via libbpf's ring_buffer API.
/// Not thread-safe: one consumer calls <see cref="Drain"/> or <see cref="Poll"/>.
/// </summary>
public sealed unsafe class FlowEventReader : IDisposable
{
    private readonly List<FlowEvent> _batch = new();
    private GCHandle _self;
    private nint _ringBuffer;

    internal FlowEventReader(int mapFd)
    {
        _self = GCHandle.Alloc(this);
        _ringBuffer = LibBpf.RingBufferNew(mapFd, &OnSample, GCHandle.ToIntPtr(_self), 0);
        if (_ringBuffer == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _self.Free();
            throw new BpfException("ring_buffer__new", errno, "map ms_events");
        }
    }

    /// <summary>Returns every event already in the ring, without waiting.</summary>
    public IReadOnlyList<FlowEvent> Drain()
    {
        ObjectDisposedException.ThrowIf(_ringBuffer == 0, this);
        var rc = LibBpf.RingBufferConsume(_ringBuffer);
        return TakeBatch(rc, "ring_buffer__consume");
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the data path to wake the reader, then returns every event in the
    /// ring. The data path wakes it only every so many events per CPU (at most 1,024; a wakeup costs the submitting
    /// packet a self-IPI), so fewer events wait for the timeout: call this in a loop with a short timeout (the agent's
    /// is 200 ms).
    /// </summary>
    public IReadOnlyList<FlowEvent> Poll(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_ringBuffer == 0, this);
        var rc = LibBpf.RingBufferPoll(_ringBuffer, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));
        if (rc == 0)
            return TakeBatch(LibBpf.RingBufferConsume(_ringBuffer), "ring_buffer__consume"); // submitted without a wakeup
        return TakeBatch(rc, "ring_buffer__poll");
    }

    public void Dispose()
    {
        if (_ringBuffer == 0)
            return;
        LibBpf.RingBufferFree(_ringBuffer);
        _ringBuffer = 0;
        _self.Free();
    }

    private IReadOnlyList<FlowEvent> TakeBatch(int rc, string operation)
    {
        if (rc < 0 && rc != -4 /* EINTR */)
            throw new BpfException(operation, rc, "map ms_events");
        var events = _batch.ToArray();
        _batch.Clear();
        return events;
    }

    [UnmanagedCallersOnly]
    private static int OnSample(nint ctx, void* data, nuint size)
    {
        var reader = (FlowEventReader)GCHandle.FromIntPtr(ctx).Target!;
        if ((int)size >= sizeof(FlowEvent))
            reader._batch.Add(*(FlowEvent*)data);
        return 0;
    }
}
