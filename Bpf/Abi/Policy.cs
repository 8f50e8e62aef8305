using System.Net;
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

/// <summary>
/// Key of ms_policy_ranges (an LPM trie), mirror of <c>struct ms_policy_range_key</c> (16 bytes):
/// one aligned power-of-two block of destination ports, <c>2^(16 - PortBits)</c> ports from
/// <see cref="FirstPort"/>. Build keys with <see cref="PolicyRanges.Encode"/>, which tiles ranges
/// into blocks and keeps each peer's blocks disjoint.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct PolicyRangeKey
{
    /// <summary>Bits of the key that must match: the static part plus <see cref="PortBits"/>.</summary>
    public const int StaticPrefixLength = 80;

    public uint PrefixLength;
    public uint IfIndex;
    public uint RemoteIdentity;
    public TrafficDirection Direction;
    public byte Protocol;

    /// <summary>The block's first port in network byte order (the trie matches from the top bit).</summary>
    public ushort PortBigEndian;

    /// <summary>The block of <c>2^(16 - portBits)</c> ports from <paramref name="firstPort"/>, which must be aligned to it.</summary>
    public PolicyRangeKey(uint ifindex, uint remoteIdentity, byte protocol, TrafficDirection direction, ushort firstPort, int portBits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(portBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(portBits, 16);
        if (portBits < 16 && (firstPort & ((1 << (16 - portBits)) - 1)) != 0)
            throw new ArgumentException($"Port {firstPort} is not the start of a block of {1 << (16 - portBits)} ports.", nameof(firstPort));
        PrefixLength = (uint)(StaticPrefixLength + portBits);
        IfIndex = ifindex;
        RemoteIdentity = remoteIdentity;
        Direction = direction;
        Protocol = protocol;
        PortBigEndian = (ushort)IPAddress.HostToNetworkOrder((short)firstPort);
    }

    public readonly int PortBits => (int)PrefixLength - StaticPrefixLength;

    public readonly ushort FirstPort => (ushort)IPAddress.NetworkToHostOrder((short)PortBigEndian);

    public readonly ushort LastPort => (ushort)(FirstPort + (1 << (16 - PortBits)) - 1);

    public override readonly string ToString() =>
        $"if{IfIndex} {Direction} remote={RemoteIdentity} proto={Protocol} ports={FirstPort}-{LastPort}";
}
