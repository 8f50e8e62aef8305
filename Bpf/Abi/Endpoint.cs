using System.Net;
using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>Value of ms_endpoints (key: host-side ifindex), mirror of <c>struct ms_endpoint</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct EndpointValue
{
    public uint Identity;
    public EndpointMode Mode;
    public EndpointFlags Flags;
    public EndpointSourceFlags SourceFlags;
    private byte _pad;

    /// <summary>One IPv4 address of the workload, its bytes in network order (valid with <see cref="EndpointSourceFlags.Ipv4"/>).</summary>
    public uint Source4;

    /// <summary>One IPv6 address of the workload (valid with <see cref="EndpointSourceFlags.Ipv6"/>).</summary>
    public IpAddressBytes Source6;

    /// <summary>Key shapes with no ingress entry in <see cref="Datapath.Policy"/>: not probed (see <see cref="PolicyKeyShapes"/>).</summary>
    public PolicyKeyShapes AbsentIngress;

    /// <summary>Key shapes with no egress entry in <see cref="Datapath.Policy"/>: not probed.</summary>
    public PolicyKeyShapes AbsentEgress;

    private ushort _pad2;

    /// <summary>An endpoint whose entry holds none of its addresses: every source is looked up in ms_source_addrs.</summary>
    public EndpointValue(uint identity, EndpointMode mode, EndpointFlags flags)
    {
        Identity = identity;
        Mode = mode;
        Flags = flags;
        SourceFlags = EndpointSourceFlags.None;
        _pad = 0;
        Source4 = 0;
        Source6 = default;
        AbsentIngress = PolicyKeyShapes.None;
        AbsentEgress = PolicyKeyShapes.None;
        _pad2 = 0;
    }

    /// <summary>
    /// This entry saying which key shapes have no entry in <see cref="Datapath.Policy"/> for this endpoint,
    /// per direction, given the shapes (<see cref="PolicyKeyShape.Of"/>) of every key the endpoint has there.
    /// </summary>
    public readonly EndpointValue WithPolicyKeys(PolicyKeyShapes presentIngress, PolicyKeyShapes presentEgress)
    {
        var value = this;
        value.AbsentIngress = PolicyKeyShapes.All & ~presentIngress;
        value.AbsentEgress = PolicyKeyShapes.All & ~presentEgress;
        return value;
    }

    /// <summary>
    /// This entry holding the workload's first IPv4 and first IPv6 address, marked
    /// <see cref="EndpointSourceFlags.Complete"/> when those are all of them. The addresses
    /// still belong in ms_source_addrs (the data path probes it for the ones that do not fit).
    /// </summary>
    public readonly EndpointValue WithSources(IEnumerable<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var value = this;
        value.SourceFlags = EndpointSourceFlags.Complete;
        value.Source4 = 0;
        value.Source6 = default;
        foreach (var address in addresses.Distinct())
        {
            var family = IpAddressBytes.FamilyOf(address);
            var slot = family == IpFamily.IPv4 ? EndpointSourceFlags.Ipv4 : EndpointSourceFlags.Ipv6;
            if (value.SourceFlags.HasFlag(slot))
            {
                value.SourceFlags &= ~EndpointSourceFlags.Complete; // more than fit: the map holds the rest
                continue;
            }
            value.SourceFlags |= slot;
            var bytes = IpAddressBytes.From(address);
            if (family == IpFamily.IPv4)
                value.Source4 = MemoryMarshal.Read<uint>((ReadOnlySpan<byte>)bytes);
            else
                value.Source6 = bytes;
        }
        return value;
    }

    /// <summary>
    /// Whether the data path takes <paramref name="address"/> for one of the workload's own without
    /// probing ms_source_addrs (it is held here); mirror of ms_source_in_endpoint.
    /// </summary>
    public readonly bool HoldsSource(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = IpAddressBytes.From(address);
        return IpAddressBytes.FamilyOf(address) == IpFamily.IPv4
            ? SourceFlags.HasFlag(EndpointSourceFlags.Ipv4) && Source4 == MemoryMarshal.Read<uint>((ReadOnlySpan<byte>)bytes)
            : SourceFlags.HasFlag(EndpointSourceFlags.Ipv6) && ((ReadOnlySpan<byte>)Source6).SequenceEqual(bytes);
    }
}
