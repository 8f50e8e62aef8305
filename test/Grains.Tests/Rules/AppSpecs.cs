using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>Workloads and policies keyed by one "app" label, as the rule and delta tests build them.</summary>
internal static class AppSpecs
{
    public static WorkloadRecord Workload(string id, string node, string app, string address, uint identity) =>
        new(new WorkloadSpec { Id = id, Node = node, Interface = $"v{id}", Addresses = [address], Labels = new Dictionary<string, string> { ["app"] = app } }, identity);

    /// <summary>A policy selecting <paramref name="app"/> that admits <paramref name="peerApp"/> on TCP <paramref name="port"/>.</summary>
    public static PolicySpec Allow(string id, string app, string peerApp, int port) => new()
    {
        Id = id,
        Selector = Sel(app),
        Ingress = [new PolicyRule { From = [Peer(peerApp)], Ports = [new PolicyPort { Protocol = "TCP", Port = port }] }],
    };

    public static PolicyPeer Peer(string app) => new() { Selector = Sel(app) };

    public static LabelSelector Sel(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };
}
