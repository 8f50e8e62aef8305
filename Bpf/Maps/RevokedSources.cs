using System.Net;

namespace MicroSeg.Bpf;

/// <summary>
/// Finds the conntrack entries that would let a workload keep sending from an address it no longer
/// owns. The data path checks a workload's source address when it opens a flow, or, on a flow the
/// peer opened, when that flow is created (if the endpoint entry alone decides the check) or on the
/// first packet the workload sends on it, and not again on that flow (fast path); so when an
/// address is taken away from an endpoint (or an endpoint's check is switched on), the flows that
/// carry it must go. Their next packet is then a new flow: checked, and refused.
/// </summary>
/// <remarks>
/// Reads the endpoint and source-address maps as they are (an address counts as owned exactly
/// when the data path would take it: held in the endpoint entry, or in ms_source_addrs unless the
/// entry holds them all); decisions are cached for one pass, and
/// a revoked verdict is confirmed against the maps right before the entry is deleted (an address
/// added during the pass is never taken for a revoked one).
/// </remarks>
internal sealed class RevokedSources(Datapath datapath)
{
    private readonly Dictionary<uint, EndpointValue?> _endpoints = [];
    private readonly Dictionary<SourceAddressKey, bool> _owned = new(ByteComparer<SourceAddressKey>.Instance);

    /// <summary>True when packets the workload sends on this flow skip the source check, and the check would now fail.</summary>
    public bool IsRevoked(in ConntrackKey key, in ConntrackValue value)
    {
        if (!SkipsSourceCheck(value))
            return false; // the data path checks the workload's next packet anyway
        if (Endpoint(key.IfIndex, cached: true) is not { } endpoint || endpoint.Flags.HasFlag(EndpointFlags.NoSourceCheck))
            return false;
        var local = key.Local;
        if (IsUnownedIpv6(local))
            return false;
        var source = new SourceAddressKey(key.IfIndex, local);
        if (!_owned.TryGetValue(source, out var owned))
            _owned[source] = owned = Owns(endpoint, source);
        return !owned && Confirm(key.IfIndex, source);
    }

    /// <summary>Mirror of the data path's rule (ms_ct_local_checked in Bpf/lib/conntrack.h).</summary>
    private static bool SkipsSourceCheck(in ConntrackValue value) =>
        value.Direction == TrafficDirection.Egress || value.Flags.HasFlag(ConntrackFlags.LocalChecked);

    /// <summary>Mirror of ms_is_ipv6_unowned_source: link-local and unspecified sources are never checked.</summary>
    private static bool IsUnownedIpv6(IPAddress address) =>
        address.IsIPv6LinkLocal || address.Equals(IPAddress.IPv6Any);

    /// <summary>
    /// Mirror of ms_source_check for a checked endpoint: an address the entry holds, else (unless
    /// the entry holds them all) one in ms_source_addrs.
    /// </summary>
    private bool Owns(in EndpointValue endpoint, SourceAddressKey source) =>
        endpoint.HoldsSource(source.IPAddress)
        || (!endpoint.SourceFlags.HasFlag(EndpointSourceFlags.Complete) && datapath.SourceAddresses.TryLookup(source, out _));

    private bool Confirm(uint ifindex, SourceAddressKey source) =>
        Endpoint(ifindex, cached: false) is { } endpoint && !endpoint.Flags.HasFlag(EndpointFlags.NoSourceCheck)
        && !Owns(endpoint, source);

    private EndpointValue? Endpoint(uint ifindex, bool cached)
    {
        if (cached && _endpoints.TryGetValue(ifindex, out var known))
            return known;
        EndpointValue? endpoint = datapath.Endpoints.TryLookup(ifindex, out var value) ? value : null;
        _endpoints[ifindex] = endpoint;
        return endpoint;
    }
}
