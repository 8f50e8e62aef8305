using MicroSeg.Bpf;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// The endpoints whose allowed source addresses narrow from what the maps hold to what a pass will
/// write: an address of theirs goes away, or their source check is switched on. The data path
/// checks a workload's address once per flow, so after such a pass the flows carrying a revoked
/// address are purged (<see cref="ConntrackCollector.PurgeRevokedSources"/>). Endpoints that go
/// away entirely are not listed: their interface is detached and nothing is enforced there.
/// </summary>
internal static class NarrowedSources
{
    /// <param name="desired">What the pass writes.</param>
    /// <param name="currentSources">The source addresses in the map before the pass.</param>
    /// <param name="currentEndpoint">An endpoint as the map holds it before the pass, or null.</param>
    public static HashSet<uint> Find(DesiredMaps desired, IEnumerable<SourceAddressKey> currentSources, Func<uint, EndpointValue?> currentEndpoint)
    {
        var narrowed = new HashSet<uint>();
        foreach (var (ifindex, wanted) in desired.Endpoints)
        {
            if (!wanted.Flags.HasFlag(EndpointFlags.NoSourceCheck) && currentEndpoint(ifindex) is { } current
                && current.Flags.HasFlag(EndpointFlags.NoSourceCheck))
                narrowed.Add(ifindex);
        }
        foreach (var source in currentSources)
        {
            if (desired.Endpoints.ContainsKey(source.IfIndex) && !desired.SourceAddresses.ContainsKey(source))
                narrowed.Add(source.IfIndex);
        }
        return narrowed;
    }
}
