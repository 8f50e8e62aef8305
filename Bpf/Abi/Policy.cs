using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Key of ms_policy, mirror of <c>struct ms_policy_key</c> (12 bytes). Wildcards:
/// remote identity 0 = any peer, port 0 = any port, protocol 0 = any protocol.
/// Port is the destination port in host byte order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct PolicyKey
{
    public uint IfIndex;
    public uint RemoteIdentity;
    public ushort Port;
    public byte Protocol;
    public TrafficDirection Direction;

    public PolicyKey(uint ifindex, uint remoteIdentity, ushort port, byte protocol, TrafficDirection direction)
    {
        IfIndex = ifindex;
        RemoteIdentity = remoteIdentity;
        Port = port;
        Protocol = protocol;
        Direction = direction;
    }

    public override readonly string ToString() =>
        $"if{IfIndex} {Direction} remote={RemoteIdentity} proto={Protocol} port={Port}";
}

/// <summary>Value of ms_policy, mirror of <c>struct ms_policy_value</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PolicyValue
{
    public uint RuleId;
    public PolicyAction Action;
    private byte _pad0;
    private byte _pad1;
    private byte _pad2;

    public PolicyValue(uint ruleId, PolicyAction action)
    {
        RuleId = ruleId;
        Action = action;
        _pad0 = _pad1 = _pad2 = 0;
    }
}
