using MicroSeg.Bpf.Loading;

namespace MicroSeg.Bpf;

public sealed partial class Datapath
{
    // ifindex -> whether this instance created the clsact qdisc there.
    private readonly Dictionary<int, bool> _attached = new();

    /// <summary>Interfaces this instance attached to (and has not detached).</summary>
    public IReadOnlyCollection<int> AttachedInterfaces
    {
        get
        {
            lock (_attached)
                return _attached.Keys.ToArray();
        }
    }

    /// <summary>
    /// Attaches ms_from_workload at TC ingress and ms_to_workload at TC egress of the
    /// host-side interface, replacing our earlier filters there. An existing clsact qdisc
    /// is used as is.
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
