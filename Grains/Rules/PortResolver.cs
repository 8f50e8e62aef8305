using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Expands one rule port against its peers into (remote identity, protocol, port, end port) entries.
/// A port range (Kubernetes <c>endPort</c>) stays one entry per peer, whatever its width (the data
/// plane matches ranges natively); a single port has end port 0. A named port resolves, as in
/// Kubernetes, against the workload that owns the port: the selected workload for ingress, each
/// destination workload for egress (a destination that is an address block has no named ports, so it
/// gets none; workload addresses inside the block have theirs).
/// </summary>
internal static class PortResolver
{
    public static IEnumerable<(uint Remote, byte Protocol, ushort Port, ushort EndPort)> Resolve(
        PolicyPort? port, TrafficDirection direction, WorkloadRecord local, IReadOnlyList<Remote> remotes, Func<IReadOnlyList<Remote>> everyone)
    {
        if (port is null)
            return remotes.Select(r => (r.Identity, (byte)0, (ushort)0, (ushort)0));
        var protocol = PolicyProtocols.Numbers[port.Protocol.ToUpperInvariant()];
        if (port.Port is not { } portRef)
            return remotes.Select(r => (r.Identity, protocol, (ushort)0, (ushort)0));
        if (portRef.Number is { } first)
        {
            // Validation guarantees first <= endPort; equal means one port.
            var end = port.EndPort is { } last && last > first ? (ushort)last : (ushort)0;
            return remotes.Select(r => (r.Identity, protocol, (ushort)first, end));
        }

        var name = portRef.Name!;
        if (direction == TrafficDirection.Ingress)
        {
            return Named(local, name, protocol) is { } number
                ? remotes.Select(r => (r.Identity, protocol, number, (ushort)0))
                : [];
        }
        // The entry names the peer's identity as this node resolves it (a workload's, or the node-local one
        // of its addresses inside named blocks), with the number its workloads give the name.
        return remotes
            .SelectMany(r => r.Identity == ReservedIdentities.Any ? everyone() : [r])
            .SelectMany(r => r.Workloads.Select(w => (r.Identity, Number: Named(w, name, protocol))))
            .Where(x => x.Number is not null)
            .Select(x => (x.Identity, protocol, x.Number!.Value, (ushort)0));
    }

    private static ushort? Named(WorkloadRecord workload, string name, byte protocol) =>
        workload.Spec.Ports.TryGetValue(name, out var text) && NamedPort.TryParse(text, out var named) && named.Protocol == protocol
            ? named.Port
            : null;
}
