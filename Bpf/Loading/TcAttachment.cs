using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf.Loading;

/// <summary>
/// clsact hook and filter management for one interface via libbpf's bpf_tc_* API. Our
/// filters use a fixed handle/priority so a re-attach (agent restart) replaces them and a
/// detach removes exactly them.
/// </summary>
internal static unsafe class TcAttachment
{
    public const uint Handle = 0x4d53; // "MS"
    public const uint Priority = 1;

    /// <summary>Attaches both programs; returns whether this call created the clsact qdisc.</summary>
    public static bool Attach(int ifindex, int fromWorkloadFd, int toWorkloadFd)
    {
        var hook = NewHook(ifindex, LibBpf.BpfTcIngress);
        int rc;
        // An existing clsact qdisc (ours from before a restart, or someone else's) is fine: libbpf
        // reports it as a kernel error ("Exclusivity flag on"), which is noise here.
        using (LibBpfLog.ExpectFailure())
            rc = LibBpf.TcHookCreate(&hook);
        var created = rc == 0;
        if (rc < 0 && rc != -Errno.EEXIST)
            throw new BpfException("bpf_tc_hook_create", rc, $"ifindex {ifindex}");

        try
        {
            // TC ingress of the host veth = what the workload sends. Each attach replaces our filter in
            // place (same handle and priority), so an interface that was enforced stays enforced by one
            // program or the other at every moment.
            AttachOne(ifindex, LibBpf.BpfTcIngress, fromWorkloadFd);
            AttachOne(ifindex, LibBpf.BpfTcEgress, toWorkloadFd);
        }
        catch when (created)
        {
            // Only a hook made by this call held nothing before: remove it. A failure on an existing hook
            // leaves the filters as they are, since what enforced there before still enforces (never fail open).
            DestroyHook(ifindex);
            throw;
        }
        return created;
    }

    /// <summary>The id of the program in our filter at <paramref name="attachPoint"/>, or 0 when there is none.</summary>
    public static uint Query(int ifindex, int attachPoint)
    {
        var hook = NewHook(ifindex, attachPoint);
        var opts = NewOpts(); // query wants handle+priority only
        int rc;
        // A missing filter is an answer here, not an error worth libbpf's complaint.
        using (LibBpfLog.ExpectFailure())
            rc = LibBpf.TcQuery(&hook, &opts);
        if (rc == 0)
            return opts.ProgId;
        if (IsGone(rc))
            return 0;
        throw new BpfException("bpf_tc_query", rc, $"ifindex {ifindex} ({PointName(attachPoint)})");
    }

    /// <summary>Removes our filters; tolerates missing filters and a vanished interface.</summary>
    public static void DetachFilters(int ifindex)
    {
        DetachOne(ifindex, LibBpf.BpfTcIngress);
        DetachOne(ifindex, LibBpf.BpfTcEgress);
    }

    /// <summary>Deletes the clsact qdisc (and anything left on it).</summary>
    public static void DestroyHook(int ifindex)
    {
        var hook = NewHook(ifindex, LibBpf.BpfTcIngress | LibBpf.BpfTcEgress);
        var rc = LibBpf.TcHookDestroy(&hook);
        if (rc < 0 && !IsGone(rc))
            throw new BpfException("bpf_tc_hook_destroy", rc, $"ifindex {ifindex}");
    }

    private static void AttachOne(int ifindex, int attachPoint, int progFd)
    {
        var hook = NewHook(ifindex, attachPoint);
        var opts = NewOpts();
        opts.ProgFd = progFd;
        opts.Flags = LibBpf.BpfTcFReplace;
        var rc = LibBpf.TcAttach(&hook, &opts);
        if (rc < 0)
            throw new BpfException("bpf_tc_attach", rc, $"ifindex {ifindex} ({PointName(attachPoint)})");
    }

    public static void DetachOne(int ifindex, int attachPoint)
    {
        var hook = NewHook(ifindex, attachPoint);
        var opts = NewOpts(); // detach wants handle+priority only
        var rc = LibBpf.TcDetach(&hook, &opts);
        if (rc < 0 && !IsGone(rc))
            throw new BpfException("bpf_tc_detach", rc, $"ifindex {ifindex} ({PointName(attachPoint)})");
    }

    // ENOENT: filter or qdisc not there; ENODEV: interface gone; EINVAL: no clsact qdisc.
    private static bool IsGone(int rc) => rc == -Errno.ENOENT || rc == -Errno.ENODEV || rc == -Errno.EINVAL;

    private static BpfTcHook NewHook(int ifindex, int attachPoint) => new()
    {
        Size = (nuint)sizeof(BpfTcHook),
        IfIndex = ifindex,
        AttachPoint = attachPoint,
    };

    private static BpfTcOpts NewOpts() => new()
    {
        Size = (nuint)sizeof(BpfTcOpts),
        Handle = Handle,
        Priority = Priority,
    };

    private static string PointName(int attachPoint) => attachPoint == LibBpf.BpfTcIngress ? "tc ingress" : "tc egress";
}
