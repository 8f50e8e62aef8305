using MicroSeg.Bpf.Tests.Fixtures;
using static MicroSeg.Bpf.Tests.Fixtures.KernelTools;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Loading;

/// <summary>Real traffic between two pods through attached programs, and attach/detach hygiene.</summary>
public sealed class DatapathAttachTests
{
    private const byte Tcp = 6;
    private const uint IdentityA = 1001, IdentityB = 1002;
    private static readonly TimeSpan Allowed = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Blocked = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Attach_PolicyAllowsTcp80FromAOnly_RealTrafficFollowsPolicy()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var network = TestNetwork.Create();
            var a = network.AddPod("a", "198.18.0.1/24");
            var b = network.AddPod("b", "198.18.0.2/24");
            using var datapath = Load(pinDirectory);

            datapath.IpCache.Update(IpCacheKey.FromPrefix(a.Address, 32), new IpCacheValue(IdentityA));
            datapath.IpCache.Update(IpCacheKey.FromPrefix(b.Address, 32), new IpCacheValue(IdentityB));
            datapath.SourceAddresses.Update(new SourceAddressKey((uint)a.HostIfIndex, a.Address), default);
            datapath.SourceAddresses.Update(new SourceAddressKey((uint)b.HostIfIndex, b.Address), default);
            datapath.Endpoints.Update((uint)a.HostIfIndex, new EndpointValue(IdentityA, EndpointMode.Protect, EndpointFlags.None));
            datapath.Endpoints.Update((uint)b.HostIfIndex, new EndpointValue(IdentityB, EndpointMode.Protect, EndpointFlags.IngressIsolated));
            datapath.Policy.Update(new PolicyKey((uint)b.HostIfIndex, IdentityA, 80, Tcp, TrafficDirection.Ingress),
                new PolicyValue(7, PolicyAction.Allow));

            using var b80 = b.ListenTcp(80);
            using var b81 = b.ListenTcp(81);
            using var a80 = a.ListenTcp(80);
            Assert.True(await a.CanConnectTcpAsync(b.Address, 81, Allowed), "before attach a→b:81 must work (listener sanity)");

            datapath.Attach(a.HostIfIndex);
            datapath.Attach(b.HostIfIndex);
            try
            {
                Assert.Equal([a.HostIfIndex, b.HostIfIndex], datapath.AttachedInterfaces.Order());
                Assert.Contains("clsact", Tc("qdisc", "show", "dev", b.HostInterface));

                Assert.True(await a.CanConnectTcpAsync(b.Address, 80, Allowed), "a→b:80 is allowed by rule 7");
                Assert.False(await a.CanConnectTcpAsync(b.Address, 81, Blocked), "a→b:81 has no rule: default deny");
                Assert.True(await b.CanConnectTcpAsync(a.Address, 80, Allowed), "a is not isolated: b→a:80 passes");

                using (b.ListenUdpEcho(53))
                using (a.ListenUdpEcho(53))
                {
                    Assert.False(await a.CanExchangeUdpAsync(b.Address, 53, Blocked), "a→b udp/53 has no rule");
                    Assert.True(await b.CanExchangeUdpAsync(a.Address, 53, Allowed), "b→a udp/53: a is not isolated");
                }

                // An established connection outlives the rule that allowed it (conntrack).
                using var session = await a.OpenTcpAsync(b.Address, 80, Allowed);
                Assert.True(await session.EchoAsync(Allowed));
                MapSync.Apply(datapath.Policy, new Dictionary<PolicyKey, PolicyValue>());
                Assert.True(await session.EchoAsync(Allowed), "established flow continues via conntrack");
                Assert.False(await a.CanConnectTcpAsync(b.Address, 80, Blocked), "new flows see the rule removed");

                var flow = datapath.Conntrack.Entries().First(e =>
                    e.Key.IfIndex == (uint)b.HostIfIndex && e.Value.Direction == TrafficDirection.Ingress && e.Key.LocalPort == 80);
                Assert.Equal(7u, flow.Value.RuleId);
                Assert.True(flow.Value.PacketsReply > 0, "replies are matched by conntrack");
                Assert.True(datapath.ReadCounters()[FlowReason.DefaultDeny] > 0);
            }
            finally
            {
                datapath.Detach(a.HostIfIndex);
                datapath.Detach(b.HostIfIndex);
            }

            Assert.Empty(datapath.AttachedInterfaces);
            Assert.DoesNotContain("clsact", Tc("qdisc", "show", "dev", b.HostInterface));
            Assert.True(await a.CanConnectTcpAsync(b.Address, 81, Allowed), "after detach nothing is enforced");
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Attach_ExistingClsactAndReattach_DetachKeepsForeignQdisc()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var network = TestNetwork.Create();
            var a = network.AddPod("a", "198.18.0.1/24");
            Tc("qdisc", "add", "dev", a.HostInterface, "clsact");
            using var datapath = Load(pinDirectory);

            datapath.Attach(a.HostIfIndex);
            datapath.Attach(a.HostIfIndex); // replace, not duplicate
            Assert.Single(OurFilters(a.HostInterface, "ingress"));
            Assert.Single(OurFilters(a.HostInterface, "egress"));

            datapath.Detach(a.HostIfIndex);
            Assert.Empty(OurFilters(a.HostInterface, "ingress"));
            Assert.Empty(OurFilters(a.HostInterface, "egress"));
            Assert.Contains("clsact", Tc("qdisc", "show", "dev", a.HostInterface)); // not ours to remove
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Attach_ExistingClsact_LibbpfComplaintIsDebugNotWarning()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        var log = new CapturingLogger();
        LibBpfLog.Route(log);
        try
        {
            using var network = TestNetwork.Create();
            var a = network.AddPod("a", "198.18.0.1/24");
            Tc("qdisc", "add", "dev", a.HostInterface, "clsact");
            using var datapath = Load(pinDirectory);

            datapath.Attach(a.HostIfIndex);
            datapath.Detach(a.HostIfIndex);

            var mine = log.Entries.Where(e => e.ThreadId == Environment.CurrentManagedThreadId).ToList();
            Assert.Contains(mine, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.Contains("Exclusivity flag on"));
            Assert.DoesNotContain(mine, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Detach_InterfaceVanished_DoesNotThrow()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var datapath = Load(pinDirectory);
            int ifindex;
            using (var network = TestNetwork.Create())
            {
                ifindex = network.AddPod("a", "198.18.0.1/24").HostIfIndex;
                datapath.Attach(ifindex);
            }

            datapath.Detach(ifindex);
            Assert.Empty(datapath.AttachedInterfaces);
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Load_SamePinDirectoryAgain_ReusesPinnedMaps()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            var key = new PolicyKey(12345, 9, 443, Tcp, TrafficDirection.Egress);
            using (var first = Load(pinDirectory))
            {
                first.Policy.Update(key, new PolicyValue(3, PolicyAction.Deny));
                first.SetPolicyRevision(17);
            }

            using var second = Load(pinDirectory);
            Assert.True(second.Policy.TryLookup(key, out var value));
            Assert.Equal((3u, PolicyAction.Deny), (value.RuleId, value.Action));
            Assert.Equal(17ul, second.PolicyRevision);
            Assert.True(File.Exists(Path.Combine(pinDirectory, "ms_conntrack4")));
            Assert.True(File.Exists(Path.Combine(pinDirectory, "ms_conntrack6")));
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Theory]
    [InlineData("ms_abi", "array", 4, 4, 1, "the pins have data-plane ABI version 1, this object needs")]
    [InlineData("ms_abi", "array", 4, 4, 5, "the pins have data-plane ABI version 5, this object needs 6")] // conntrack entries without reported counters
    [InlineData("ms_policy", "hash", 16, 8, 1024, "ms_policy is type 1, key 16 B, value 8 B, 1024 entries")]
    [InlineData("ms_config", "array", 4, 32, 1, "the pins have no ms_abi (data-plane ABI version 1, before versioning)")]
    [InlineData("ms_events", "array", 4, 4, 1, "ms_events is type 2, key 4 B, value 4 B, 1 entries")] // only a ring of another size is replaced
    public void Load_PinOfAnotherShape_RefusedNamingTheDifference(string map, string type, int key, int value, int entries, string expected)
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            Directory.CreateDirectory(pinDirectory);
            Run("bpftool", "map", "create", Path.Combine(pinDirectory, map), "type", type, "key", $"{key}", "value", $"{value}",
                "entries", $"{entries}", "name", map);

            var ex = Assert.Throws<BpfException>(() => Load(pinDirectory));

            Assert.Contains(expected, ex.Message);
            Assert.Contains("Remove the directory", ex.Message);
            Assert.Equal([map], Directory.GetFileSystemEntries(pinDirectory).Select(Path.GetFileName)); // nothing else was made
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Load_MissingObject_FailsNamingMakeBpf()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => Datapath.Load(new DatapathOptions
        {
            ObjectPath = "/nonexistent/microseg.bpf.o",
            PinDirectory = DatapathFixture.NewPinDirectory(),
        }));
        Assert.Contains("make bpf", ex.Message);
    }

    /// <summary>Records what libbpf says, and on which thread (the route is process-wide).</summary>
    private sealed class CapturingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<(int ThreadId, Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((Environment.CurrentManagedThreadId, logLevel, formatter(state, exception)));
    }
}
