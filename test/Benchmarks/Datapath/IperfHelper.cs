using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// For scripts/bench-iperf.sh: makes each named host-side interface a protected endpoint,
/// isolated both ways, with one allow rule per direction for TCP from/to anyone, and attaches
/// the programs. Arguments are IFNAME=ADDRESS (the workload's address, registered for
/// anti-spoofing) or a bare IFNAME (anti-spoofing off). So every iperf3 packet is evaluated: the first of each flow by policy, the
/// rest by conntrack (established or reply), as in production.
/// </summary>
internal static class IperfHelper
{
    private const uint Identity = 100;

    public static void Attach(string objectPath, string pinDirectory, string[] interfaceNames)
    {
        using var datapath = MicroSeg.Bpf.Datapath.Load(new DatapathOptions { ObjectPath = objectPath, PinDirectory = pinDirectory });
        foreach (var argument in interfaceNames)
        {
            var (name, address) = Split(argument);
            var ifindex = NetworkInterfaces.IndexOf(name);
            // Only allow rules below: tell the data path so (as the agent does), the first allow decides.
            var flags = EndpointFlags.IngressIsolated | EndpointFlags.EgressIsolated | EndpointFlags.IngressAllowOnly | EndpointFlags.EgressAllowOnly;
            if (address is null)
                flags |= EndpointFlags.NoSourceCheck;
            else
                datapath.SourceAddresses.Update(new SourceAddressKey((uint)ifindex, System.Net.IPAddress.Parse(address)), default);
            var endpoint = new EndpointValue(Identity, EndpointMode.Protect, flags);
            endpoint = endpoint.WithPolicyKeys(PolicyKeyShapes.AnyPeerProtocol, PolicyKeyShapes.AnyPeerProtocol);
            datapath.Endpoints.Update((uint)ifindex, address is null ? endpoint : endpoint.WithSources([System.Net.IPAddress.Parse(address)]));
            foreach (var direction in new[] { TrafficDirection.Ingress, TrafficDirection.Egress })
                datapath.Policy.Update(new PolicyKey((uint)ifindex, ReservedIdentity.Any, 0, 6, direction), new PolicyValue(1, PolicyAction.Allow));
            datapath.Attach(ifindex);
            Console.WriteLine($"attached to {name} (ifindex {ifindex})");
        }
    }

    public static void Detach(string objectPath, string pinDirectory, string[] interfaceNames)
    {
        if (Directory.Exists(pinDirectory))
        {
            using var datapath = MicroSeg.Bpf.Datapath.Load(new DatapathOptions { ObjectPath = objectPath, PinDirectory = pinDirectory });
            foreach (var name in interfaceNames.Select(a => Split(a).Name).Where(n => Directory.Exists($"/sys/class/net/{n}")))
                datapath.Detach(NetworkInterfaces.IndexOf(name));
            Directory.Delete(pinDirectory, recursive: true);
        }
    }

    private static (string Name, string? Address) Split(string argument) =>
        argument.IndexOf('=') is var i and >= 0 ? (argument[..i], argument[(i + 1)..]) : (argument, null);
}
