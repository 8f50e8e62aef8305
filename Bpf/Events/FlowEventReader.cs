using System.Runtime.InteropServices;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>
/// Reads the records of ms_events via libbpf's ring_buffer API: <see cref="FlowEvent"/>s and <see cref="FlowReport"/>s,
/// told apart by their kind. Not thread-safe: one consumer calls <see cref="Drain"/> or <see cref="Poll"/>.
/// </summary>
public sealed unsafe class FlowEventReader : IDisposable
{
    private readonly List<FlowEvent> _events = new();
    private readonly List<FlowReport> _reports = new();
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

    /// <summary>Returns every record already in the ring, without waiting.</summary>
    public FlowRecords Drain()
    {
        ObjectDisposedException.ThrowIf(_ringBuffer == 0, this);
        var rc = LibBpf.RingBufferConsume(_ringBuffer);
        return TakeBatch(rc, "ring_buffer__consume");
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the data path to wake the reader, then returns every record in the
    /// ring. The data path wakes it only every so many records per CPU (at most 1,024; a wakeup costs the submitting
    /// packet a self-IPI), so fewer events wait for the timeout: call this in a loop with a short timeout (the agent's
    /// is 200 ms).
    /// </summary>
    public FlowRecords Poll(TimeSpan timeout)
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

    private FlowRecords TakeBatch(int rc, string operation)
    {
        if (rc < 0 && rc != -4 /* EINTR */)
            throw new BpfException(operation, rc, "map ms_events");
        var records = new FlowRecords(_events.ToArray(), _reports.ToArray());
        _events.Clear();
        _reports.Clear();
        return records;
    }

    [UnmanagedCallersOnly]
    private static int OnSample(nint ctx, void* data, nuint size)
    {
        var reader = (FlowEventReader)GCHandle.FromIntPtr(ctx).Target!;
        if ((int)size < sizeof(FlowEvent))
            return 0;
        var e = (FlowEvent*)data;
        if (e->Kind == FlowRecordKind.FlowEvent)
            reader._events.Add(*e);
        else if (e->Kind == FlowRecordKind.FlowReport && (int)size >= sizeof(FlowReport))
            reader._reports.Add(*(FlowReport*)data);
        return 0; // a kind this reader does not know (a newer data path) is skipped
    }
}

/// <summary>What one <see cref="FlowEventReader.Drain"/> or <see cref="FlowEventReader.Poll"/> read, in ring order per kind.</summary>
public sealed record FlowRecords(IReadOnlyList<FlowEvent> Events, IReadOnlyList<FlowReport> Reports)
{
    /// <summary>Records of both kinds.</summary>
    public int Count => Events.Count + Reports.Count;
}
