using System.Net;
using MicroSeg.Benchmarks.Datapath;
using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Peers;

/// <summary>
/// For scripts/bench-peers.sh: makes one host-side interface a protected server endpoint whose
/// ingress admits TCP to a few ports from a list of peers only, each peer its own identity (an
/// ipcache host entry and one exact policy key), as the agent writes a 10k-peer allow list.
/// Egress stays open (not isolated), as in the nftables and iptables rule sets it is compared
/// with; every packet still goes through the programs (conntrack, policy on new flows, events).
/// </summary>
internal static class AllowListHelper
{
    private const uint ServerIdentity = 100, PeerIdentityBase = 10_000;

    public static void Attach(string objectPath, string pinDirectory, string interfaceAndAddress, IReadOnlyList<ushort> ports, string peersFile)
    {
        var (name, address) = interfaceAndAddress.IndexOf('=') is var i and > 0
            ? (interfaceAndAddress[..i], IPAddress.Parse(interfaceAndAddress[(i + 1)..]))
            : throw new ArgumentException($"expected IFNAME=ADDRESS, got '{interfaceAndAddress}'", nameof(interfaceAndAddress));
        var peers = File.ReadAllLines(peersFile).Where(l => l.Length > 0).Select(IPAddress.Parse).ToList();
        using var datapath = MicroSeg.Bpf.Datapath.Load(new DatapathOptions { ObjectPath = objectPath, PinDirectory = pinDirectory });
        var ifindex = (uint)NetworkInterfaces.IndexOf(name);
        var policy = new List<PolicyKey>(peers.Count * ports.Count);
        for (var p = 0; p < peers.Count; p++)
        {
            var identity = PeerIdentityBase + (uint)p;
            var key = IpCacheKey.FromPrefix(peers[p], 32);
            datapath.IpCacheFor(key).Update(key, new IpCacheValue(identity));
            foreach (var port in ports)
            {
                var rule = new PolicyKey(ifindex, identity, port, 6, TrafficDirection.Ingress);
                datapath.Policy.Update(rule, new PolicyValue((uint)(1 + p), PolicyAction.Allow));
                policy.Add(rule);
            }
        }
        datapath.SourceAddresses.Update(new SourceAddressKey(ifindex, address), default);
        // As the agent writes it: only allow rules, so the first allow decides.
        var flags = EndpointFlags.IngressIsolated | EndpointFlags.IngressAllowOnly | EndpointFlags.EgressAllowOnly;
        datapath.Endpoints.Update(ifindex, new EndpointValue(ServerIdentity, EndpointMode.Protect, flags).WithSources([address])
            .WithPolicyKeys(PolicyKeyShapes.PeerPort, PolicyKeyShapes.None));
        datapath.Attach((int)ifindex);
        Console.WriteLine($"attached to {name} (ifindex {ifindex}): {peers.Count} peers allowed to TCP ports {string.Join(',', ports)} ({policy.Count} policy entries)");
    }
}
