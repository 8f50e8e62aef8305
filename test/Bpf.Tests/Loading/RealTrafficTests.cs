using System.Net;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Loading;

/// <summary>
/// Real traffic through attached programs: TCP, UDP, ICMP over IPv4 and IPv6 as policy says,
/// monitor mode, and a datapath reload (agent restart) under a live TCP connection.
/// </summary>
public sealed class RealTrafficTests
{
    private const byte Tcp = 6, Udp = 17, Icmp = 1, IcmpV6 = 58;
    private const uint IdentityA = 2001, IdentityB = 2002;
    private static readonly TimeSpan Allowed = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Blocked = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData("198.18.1.1/24", "198.18.1.2/24")]
    [InlineData("fd00:198:18:1::1/64", "fd00:198:18:1::2/64")]
    public async Task Attach_Policy_TcpUdpIcmpFollowPolicy(string cidrA, string cidrB)
    {
        await WithPodsAsync(cidrA, cidrB, async (datapath, a, b) =>
        {
            var icmp = a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IcmpV6 : Icmp;
            Endpoint(datapath, a, IdentityA, EndpointMode.Protect, EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated);
            Endpoint(datapath, b, IdentityB, EndpointMode.Protect, EndpointFlags.IngressIsolated);
            foreach (var (protocol, port, rule) in new[] { (Tcp, (ushort)80, 1u), (Udp, (ushort)53, 2u), (icmp, (ushort)0, 3u) })
            {
                Rule(datapath, a, TrafficDirection.Egress, IdentityB, protocol, port, rule);
                Rule(datapath, b, TrafficDirection.Ingress, IdentityA, protocol, port, rule + 10);
            }

            using var b80 = b.ListenTcp(80);
            using var b81 = b.ListenTcp(81);
            using var b53 = b.ListenUdpEcho(53);
            using var b54 = b.ListenUdpEcho(54);
            Attach(datapath, a, b);

            Assert.True(await a.CanConnectTcpAsync(b.Address, 80, Allowed), "a→b tcp/80 allowed both sides");
            Assert.False(await a.CanConnectTcpAsync(b.Address, 81, Blocked), "a→b tcp/81: no rule");
            Assert.True(await a.CanExchangeUdpAnyFamilyAsync(b.Address, 53, Allowed), "a→b udp/53 allowed");
            Assert.False(await a.CanExchangeUdpAnyFamilyAsync(b.Address, 54, Blocked), "a→b udp/54: no rule");
            Assert.True(await a.CanPingAsync(b.Address, Allowed), "a→b echo allowed");
            Assert.False(await b.CanPingAsync(a.Address, Blocked), "b→a echo: a's ingress has no rule");
            Assert.True(datapath.ReadCounters()[FlowReason.DefaultDeny] >= 3);
        });
    }

    [Fact]
    public async Task Attach_PortRangeRule_RangeAndItsEdgesFollowPolicy()
    {
        await WithPodsAsync("198.18.4.1/24", "198.18.4.2/24", async (datapath, a, b) =>
        {
            Endpoint(datapath, a, IdentityA, EndpointMode.Protect, EndpointFlags.None);
            Endpoint(datapath, b, IdentityB, EndpointMode.Protect, EndpointFlags.IngressIsolated | EndpointFlags.IngressRanges);
            var range = new PortRangeRule((uint)b.HostIfIndex, TrafficDirection.Ingress, IdentityA, Tcp, 8000, 8100, new PolicyValue(5, PolicyAction.Allow));
            foreach (var (key, value) in PolicyRanges.Encode([range]))
                datapath.PolicyRanges.Update(key, value);

            using var low = b.ListenTcp(7999);
            using var first = b.ListenTcp(8000);
            using var last = b.ListenTcp(8100);
            using var high = b.ListenTcp(8101);
            Attach(datapath, a, b);

            Assert.True(await a.CanConnectTcpAsync(b.Address, 8000, Allowed), "first port of the range");
            Assert.True(await a.CanConnectTcpAsync(b.Address, 8100, Allowed), "last port of the range");
            Assert.False(await a.CanConnectTcpAsync(b.Address, 7999, Blocked), "one below the range");
            Assert.False(await a.CanConnectTcpAsync(b.Address, 8101, Blocked), "one above the range");
        });
    }

    [Fact]
    public async Task Attach_MonitorMode_PassesEverythingAndReportsWouldDeny()
    {
        await WithPodsAsync("198.18.2.1/24", "198.18.2.2/24", async (datapath, a, b) =>
        {
            Endpoint(datapath, a, IdentityA, EndpointMode.Protect, EndpointFlags.None);
            Endpoint(datapath, b, IdentityB, EndpointMode.Monitor, EndpointFlags.IngressIsolated); // no rules at all
            using var events = datapath.OpenEvents();
            using var b80 = b.ListenTcp(80);
            using var b53 = b.ListenUdpEcho(53);
            Attach(datapath, a, b);

            Assert.True(await a.CanConnectTcpAsync(b.Address, 80, Allowed), "monitor never drops");
            Assert.True(await a.CanExchangeUdpAsync(b.Address, 53, Allowed), "monitor never drops");
            Assert.True(await a.CanPingAsync(b.Address, Allowed), "monitor never drops");

            var reported = events.Drain().Events
                .Where(e => e.IfIndex == (uint)b.HostIfIndex && e.Verdict == FlowVerdict.WouldDeny)
                .Select(e => (e.Protocol, e.DestinationPort, e.Reason, e.RemoteIdentity))
                .ToList();
            Assert.Contains((Tcp, (ushort)80, FlowReason.DefaultDeny, IdentityA), reported);
            Assert.Contains((Udp, (ushort)53, FlowReason.DefaultDeny, IdentityA), reported);
            Assert.Contains(reported, r => r.Protocol == Icmp);
            Assert.Equal(0ul, datapath.ReadCounters().Verdict(FlowVerdict.Denied));
        });
    }

    [Fact]
    public async Task Reload_SamePinsMidConnection_LongTcpConnectionSurvives()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var network = TestNetwork.Create();
            var a = network.AddPod("a", "198.18.3.1/24");
            var b = network.AddPod("b", "198.18.3.2/24");
            var first = Load(pinDirectory);
            try
            {
                Endpoint(first, a, IdentityA, EndpointMode.Protect, EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated);
                Endpoint(first, b, IdentityB, EndpointMode.Protect, EndpointFlags.EgressIsolated | EndpointFlags.IngressIsolated);
                Rule(first, a, TrafficDirection.Egress, IdentityB, Tcp, 80, 1);
                Rule(first, b, TrafficDirection.Ingress, IdentityA, Tcp, 80, 2);
                using var b80 = b.ListenTcp(80);
                Attach(first, a, b);

                using var session = await a.OpenTcpAsync(b.Address, 80, Allowed);
                Assert.True(await session.EchoAsync(Allowed));

                // Agent restart: close everything, load again from the same pins, re-attach.
                first.Dispose();
                Assert.True(await session.EchoAsync(Allowed), "filters stay attached while no agent runs");
                first = Load(pinDirectory);
                Attach(first, a, b);

                for (var i = 0; i < 20; i++)
                    Assert.True(await session.EchoAsync(Allowed), $"echo {i} after the reload");
                Assert.True(await a.CanConnectTcpAsync(b.Address, 80, Allowed), "new flows still evaluated");
                Assert.False(await b.CanConnectTcpAsync(a.Address, 80, Blocked), "policy still enforced after reload");
                var flow = first.Conntrack.Entries()
                    .Where(e => e.Key.IfIndex == (uint)b.HostIfIndex && e.Key.LocalPort == 80)
                    .MaxBy(e => e.Value.PacketsOriginal); // the long session, not the later short connection
                Assert.True(flow.Value.PacketsOriginal > 20);
            }
            finally
            {
                Detach(first, a, b);
                first.Dispose();
            }
        }
        finally
        {
            if (Directory.Exists(pinDirectory))
                Directory.Delete(pinDirectory, recursive: true);
        }
    }

    private static async Task WithPodsAsync(string cidrA, string cidrB, Func<Datapath, TestPod, TestPod, Task> body)
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var network = TestNetwork.Create();
            var a = network.AddPod("a", cidrA);
            var b = network.AddPod("b", cidrB);
            using var datapath = Load(pinDirectory);
            try
            {
                await body(datapath, a, b);
            }
            finally
            {
                Detach(datapath, a, b);
            }
        }
        finally
        {
            if (Directory.Exists(pinDirectory))
                Directory.Delete(pinDirectory, recursive: true);
        }
    }

    private static void Endpoint(Datapath datapath, TestPod pod, uint identity, EndpointMode mode, EndpointFlags flags)
    {
        var bits = pod.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        datapath.IpCache.Update(IpCacheKey.FromPrefix(pod.Address, bits), new IpCacheValue(identity));
        datapath.SourceAddresses.Update(new SourceAddressKey((uint)pod.HostIfIndex, pod.Address), default);
        datapath.Endpoints.Update((uint)pod.HostIfIndex, new EndpointValue(identity, mode, flags));
    }

    private static void Rule(Datapath datapath, TestPod pod, TrafficDirection direction, uint remote, byte protocol, ushort port, uint ruleId) =>
        datapath.Policy.Update(new PolicyKey((uint)pod.HostIfIndex, remote, port, protocol, direction), new PolicyValue(ruleId, PolicyAction.Allow));

    private static void Attach(Datapath datapath, params TestPod[] pods)
    {
        foreach (var pod in pods)
            datapath.Attach(pod.HostIfIndex);
    }

    private static void Detach(Datapath datapath, params TestPod[] pods)
    {
        foreach (var pod in pods)
            datapath.Detach(pod.HostIfIndex);
    }

    private static Datapath Load(string pinDirectory) => Datapath.Load(new DatapathOptions
    {
        ObjectPath = RepoLayout.BpfObjectPath,
        PinDirectory = pinDirectory,
        ConntrackMaxEntries = 4096,
    });
}
