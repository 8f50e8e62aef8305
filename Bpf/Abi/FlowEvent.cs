using System.Net;
using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// A ring-buffer record from ms_events, mirror of <c>struct ms_flow_event</c> (80 bytes):
/// one per new flow (allowed), denied packet or would-deny packet.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct FlowEvent
{
    /// <summary>bpf_ktime_get_ns (CLOCK_MONOTONIC).</summary>
    public ulong TimestampNs;
    public ulong PolicyRevision;
    public uint IfIndex;
    public uint LocalIdentity;
    public uint RemoteIdentity;
    public uint RuleId;
    public ushort SourcePort;
    public ushort DestinationPort;
    public IpFamily Family;
    public byte Protocol;
    public TrafficDirection Direction;
    public FlowVerdict Verdict;
    public FlowReason Reason;
    private byte _pad0, _pad1, _pad2, _pad3, _pad4, _pad5, _pad6;
    public IpAddressBytes SourceAddress;
    public IpAddressBytes DestinationAddress;

    public readonly IPAddress Source => SourceAddress.ToIPAddress(Family);

    public readonly IPAddress Destination => DestinationAddress.ToIPAddress(Family);

    public override readonly string ToString() =>
        $"if{IfIndex} {Direction} {Verdict}/{Reason} rule={RuleId} proto={Protocol} {Source}:{SourcePort} -> {Destination}:{DestinationPort} remote={RemoteIdentity}";
}

/// <summary>Value of ms_config[0], mirror of <c>struct ms_config</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConfigValue
{
    public ulong PolicyRevision;
    public ulong Reserved0;
    public ulong Reserved1;
    public ulong Reserved2;
}
