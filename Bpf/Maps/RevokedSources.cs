using System.Net;

namespace MicroSeg.Bpf;

/// <summary>
/// Finds the conntrack entries that would let a workload keep sending from an address it no longer
/// owns. The data path checks a workload's source address when it opens a flow, or on the first
/// packet it sends on a flow the peer opened, and not again on that flow (fast path); so when an
/// address is taken away from an endpoint (or an endpoint's check is switched on), the flows that
/// carry it must go. Their next packet is then a new flow: checked, and refused.
/// </summary>
/// <remarks>
/// Reads the endpoint and source-address maps as they are; decisions are cached for one pass, and
/// a revoked verdict is confirmed against the maps right before the entry is deleted (an address
/// added during the pass is never taken for a revoked one).
/// </remarks>
internal sealed class RevokedSources(Datapath datapath)
{
    private readonly Dictionary<uint, EndpointFlags?> _endpoints = [];
    private readonly Dictionary<SourceAddressKey, bool> _owned = new(ByteComparer<SourceAddressKey>.Instance);

    /// <summary>True when packets the workload sends on this flow skip the source check, and the check would now fail.</summary>
    public bool IsRevoked(in ConntrackKey key, in ConntrackValue value)
    {
        if (!SkipsSourceCheck(value))
            return false; // the data path checks the workload's next packet anyway
        var flags = Endpoint(key.IfIndex, cached: true);
        if (flags is not { } f || f.HasFlag(EndpointFlags.NoSourceCheck))
            return false;
        var local = key.Local;
        if (IsUnownedIpv6(local))
            return false;
        var source = new SourceAddressKey(key.IfIndex, local);
        if (!_owned.TryGetValue(source, out var owned))
            _owned[source] = owned = datapath.SourceAddresses.TryLookup(source, out _);
        return !owned && Confirm(key.IfIndex, source);
    }

    /// <summary>Mirror of the data path's rule (ms_ct_local_checked in Bpf/lib/conntrack.h).</summary>
    private static bool SkipsSourceCheck(in ConntrackValue value) =>
        value.Direction == TrafficDirection.Egress || value.Flags.HasFlag(ConntrackFlags.LocalChecked);

    /// <summary>Mirror of ms_is_ipv6_unowned_source: link-local and unspecified sources are never checked.</summary>
    private static bool IsUnownedIpv6(IPAddress address) =>
        address.IsIPv6LinkLocal || address.Equals(IPAddress.IPv6Any);

    private bool Confirm(uint ifindex, SourceAddressKey source) =>
        Endpoint(ifindex, cached: false) is { } flags && !flags.HasFlag(EndpointFlags.NoSourceCheck)
        && !datapath.SourceAddresses.TryLookup(source, out _);

    private EndpointFlags? Endpoint(uint ifindex, bool cached)
    {
        if (cached && _endpoints.TryGetValue(ifindex, out var known))
            return known;
        EndpointFlags? flags = datapath.Endpoints.TryLookup(ifindex, out var endpoint) ? endpoint.Flags : null;
        _endpoints[ifindex] = flags;
        return flags;
    }
}
