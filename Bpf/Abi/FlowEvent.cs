using System.Net;
using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// A ring-buffer record from ms_events, mirror of <c>struct ms_flow_event</c> (80 bytes):
/// one per new flow (allowed), denied packet or would-deny packet; also the flow part of a <see cref="FlowReport"/>.
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

    /// <summary>Which record this is: <see cref="FlowRecordKind.FlowEvent"/>, or the flow of a <see cref="FlowReport"/>.</summary>
    public FlowRecordKind Kind;
    private byte _pad0, _pad1, _pad2, _pad3, _pad4, _pad5;
    public IpAddressBytes SourceAddress;
    public IpAddressBytes DestinationAddress;

    public readonly IPAddress Source => SourceAddress.ToIPAddress(Family);

    public readonly IPAddress Destination => DestinationAddress.ToIPAddress(Family);

    public override readonly string ToString() =>
        $"if{IfIndex} {Direction} {Verdict}/{Reason} rule={RuleId} proto={Protocol} {Source}:{SourcePort} -> {Destination}:{DestinationPort} remote={RemoteIdentity}";
}

/// <summary>
/// A ring-buffer record from ms_events, mirror of <c>struct ms_flow_report</c> (96 bytes): what an allowed, tracked flow
/// carried (both directions summed) since its previous report. <see cref="Flow"/> is the flow as its first packet went,
/// with the rule and reason of the event that opened it, <see cref="FlowEvent.Kind"/> <see cref="FlowRecordKind.FlowReport"/>
/// and the report's time.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct FlowReport
{
    public FlowEvent Flow;
    public ulong Packets;
    public ulong Bytes;

    public override readonly string ToString() => $"report {Flow}: {Packets} packets, {Bytes} bytes";
}

/// <summary>Value of ms_config[0], mirror of <c>struct ms_config</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConfigValue
{
    public ulong PolicyRevision;

    /// <summary>Flow reports: at most one per flow per this many ns; 0 = none.</summary>
    public ulong ReportIntervalNs;
    public ulong Reserved0;
    public ulong Reserved1;
}
