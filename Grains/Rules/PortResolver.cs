using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Expands one rule port against its peers into (remote identity, protocol, port) triples. A named
/// port resolves, as in Kubernetes, against the workload that owns the port: the selected workload
/// for ingress, each destination workload for egress (a destination that is an address block has no
/// named ports, so it gets none).
/// </summary>
internal static class PortResolver
{
    public static IEnumerable<(uint Remote, byte Protocol, ushort Port)> Resolve(
        PolicyPort? port, TrafficDirection direction, WorkloadRecord local, IReadOnlyList<Remote> remotes, IReadOnlyList<WorkloadRecord> workloads)
    {
        if (port is null)
            return remotes.Select(r => (r.Identity, (byte)0, (ushort)0));
        var protocol = PolicyProtocols.Numbers[port.Protocol.ToUpperInvariant()];
        if (port.Port is not { } portRef)
            return remotes.Select(r => (r.Identity, protocol, (ushort)0));
        if (portRef.Number is { } first)
        {
            var last = port.EndPort ?? first;
            return remotes.SelectMany(r => Enumerable.Range(first, last - first + 1).Select(p => (r.Identity, protocol, (ushort)p)));
        }

        var name = portRef.Name!;
        if (direction == TrafficDirection.Ingress)
        {
            return Named(local, name, protocol) is { } number
                ? remotes.Select(r => (r.Identity, protocol, number))
                : [];
        }
        return remotes
            .SelectMany(r => r.Identity == ReservedIdentities.Any ? workloads : r.Workloads)
            .Select(w => (w.Identity, Number: Named(w, name, protocol)))
            .Where(x => x.Number is not null)
            .Select(x => (x.Identity, protocol, x.Number!.Value));
    }

    private static ushort? Named(WorkloadRecord workload, string name, byte protocol) =>
        workload.Spec.Ports.TryGetValue(name, out var text) && NamedPort.TryParse(text, out var named) && named.Protocol == protocol
            ? named.Port
            : null;
}
