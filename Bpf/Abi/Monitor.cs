using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Key of ms_would_deny, mirror of <c>struct ms_would_deny_key</c> (12 bytes): the endpoint, direction,
/// deciding rule (0 when no rule decided, e.g. default deny) and reason of packets that passed only
/// because their endpoint is in monitor mode.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct WouldDenyKey
{
    public uint IfIndex;
    public uint RuleId;
    public TrafficDirection Direction;
    public FlowReason Reason;
    private ushort _pad;

    public WouldDenyKey(uint ifindex, uint ruleId, TrafficDirection direction, FlowReason reason)
    {
        IfIndex = ifindex;
        RuleId = ruleId;
        Direction = direction;
        Reason = reason;
        _pad = 0;
    }

    public override readonly string ToString() => $"if{IfIndex} {Direction} rule={RuleId} {Reason}";
}

/// <summary>
/// Value of ms_control_plane[0], mirror of <c>struct ms_control_plane</c> (48 bytes): which control
/// plane the maps were last programmed from. All zero when nothing is remembered.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ControlPlaneRecord
{
    public Guid Cluster;
    public Guid Epoch;
    public ulong Revision;
    public ulong Entries;

    /// <summary>Nothing remembered: a fresh node, pins made before this record existed, or an operator's "accept".</summary>
    public readonly bool IsEmpty => Cluster == Guid.Empty && Epoch == Guid.Empty && Revision == 0 && Entries == 0;
}
