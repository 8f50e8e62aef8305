using MicroSeg.Bpf.Loading;

namespace MicroSeg.Bpf;

public sealed partial class Datapath
{
    // ifindex -> whether this instance created the clsact qdisc there.
    private readonly Dictionary<int, bool> _attached = new();

    /// <summary>
    /// Interfaces this instance attached to (and has not detached), as remembered; whether the kernel
    /// still holds the programs there is <see cref="IsAttached"/>.
    /// </summary>
    public IReadOnlyCollection<int> AttachedInterfaces
    {
        get
        {
            lock (_attached)
                return _attached.Keys.ToArray();
        }
    }

    private uint _fromWorkloadId, _toWorkloadId;

    /// <summary>
    /// Whether the kernel's tc hooks of <paramref name="ifindex"/> hold this instance's two programs
    /// right now. Read back from the kernel on every call, never remembered: a re-created interface,
    /// a filter deleted by hand or another loader's program all read as not attached.
    /// </summary>
    public bool IsAttached(int ifindex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifindex);
        ThrowIfDisposed();
        if (_fromWorkloadId == 0)
        {
            _fromWorkloadId = ProgramInfo.OfFd(FromWorkloadFd).Id;
            _toWorkloadId = ProgramInfo.OfFd(ToWorkloadFd).Id;
        }
        return TcAttachment.Query(ifindex, Interop.LibBpf.BpfTcIngress) == _fromWorkloadId
            && TcAttachment.Query(ifindex, Interop.LibBpf.BpfTcEgress) == _toWorkloadId;
    }

    /// <summary>
    /// Attaches ms_from_workload at TC ingress and ms_to_workload at TC egress of the
    /// host-side interface, replacing our earlier filters there (including those of an earlier
    /// agent: the replacement is atomic, so the interface is never without a program). An existing
    /// clsact qdisc is used as is.
    /// </summary>
    public void Attach(int ifindex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifindex);
        ThrowIfDisposed();
        lock (_attached)
        {
            var created = TcAttachment.Attach(ifindex, FromWorkloadFd, ToWorkloadFd);
            // Re-attaching keeps the knowledge that we created the qdisc earlier.
            _attached[ifindex] = created || (_attached.TryGetValue(ifindex, out var before) && before);
        }
    }

    /// <summary>
    /// Removes our two filters, and the clsact qdisc only if this instance created it.
    /// A vanished interface is not an error.
    /// </summary>
    public void Detach(int ifindex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifindex);
        lock (_attached)
        {
            TcAttachment.DetachFilters(ifindex);
            if (_attached.TryGetValue(ifindex, out var created) && created)
                TcAttachment.DestroyHook(ifindex);
            _attached.Remove(ifindex);
        }
    }
}
