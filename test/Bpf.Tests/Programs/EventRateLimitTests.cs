using System.Net;
using MicroSeg.Bpf.Interop;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using MicroSeg.Testing;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.ProgramRunResult;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>The per-CPU event token bucket and the map-pressure counters.</summary>
public sealed class EventRateLimitTests(DatapathFixture fixture) : IClassFixture<DatapathFixture>
{
    private const string Local = "198.18.0.1", Peer = "198.18.0.2";

    [Fact]
    public void DeniedFlood_OverBurst_EventsSuppressedAndCountedVerdictsUnchanged()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            // 1 event/s: the test runs well inside a second, so exactly the burst gets through.
            using var datapath = Load(pinDirectory, new EventRateLimit { EventsPerSecond = 1, Burst = 3 });
            using var events = datapath.OpenEvents();
            var ifindex = (uint)fixture.PodA.HostIfIndex;
            datapath.Endpoints.Update(ifindex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.IngressIsolated));

            for (ushort port = 0; port < 10; port++)
            {
                var result = datapath.RunProgram(ToWorkload, PacketBuilder.Ip(Peer, Local).Udp((ushort)(6000 + port), 53), (int)ifindex);
                Assert.Equal(TcActShot, result.ReturnValue);
            }

            var counters = datapath.ReadCounters();
            Assert.Equal(10ul, counters[FlowReason.DefaultDeny]);
            var emitted = events.Drain().Count;
            Assert.Equal(10ul, (ulong)emitted + counters.EventsSuppressed);
            Assert.InRange(emitted, 3, 4); // 3 from the burst, a 4th only if a second boundary passed
            Assert.Equal(0ul, counters.EventsLost);
        }
        finally
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
    }

    [Fact]
    public void Unlimited_Flood_EveryEventEmitted()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var datapath = Load(pinDirectory, EventRateLimit.Unlimited);
            using var events = datapath.OpenEvents();
            var ifindex = (uint)fixture.PodA.HostIfIndex;
            datapath.Endpoints.Update(ifindex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.IngressIsolated));
            for (ushort port = 0; port < 50; port++)
                datapath.RunProgram(ToWorkload, PacketBuilder.Ip(Peer, Local).Udp((ushort)(6000 + port), 53), (int)ifindex);

            Assert.Equal(50, events.Drain().Count);
            Assert.Equal(0ul, datapath.ReadCounters().EventsSuppressed);
        }
        finally
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
    }

    [Fact]
    public void NewFlows_CreatesCountedAndEvictionsEstimated()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var datapath = Load(pinDirectory, new EventRateLimit());
            var ifindex = (uint)fixture.PodA.HostIfIndex;
            datapath.SourceAddresses.Update(new SourceAddressKey(ifindex, IPAddress.Parse(Local)), default);
            datapath.Endpoints.Update(ifindex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.None));

            datapath.RunProgram(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(7000, 53), (int)ifindex);
            datapath.RunProgram(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(7001, 53), (int)ifindex);
            datapath.RunProgram(FromWorkload, PacketBuilder.Ip(Local, Peer).Udp(7001, 53), (int)ifindex); // established
            datapath.Conntrack.Delete(datapath.Conntrack.Keys().First()); // as if the LRU evicted it

            var counters = datapath.ReadCounters();
            Assert.Equal((2ul, 0ul), (counters.ConntrackCreated, counters.ConntrackCreateFailed));
            Assert.Equal(1ul, counters.EstimatedConntrackEvictions(endedByCollector: 0, entriesNow: (ulong)datapath.Conntrack.Keys().Count));
        }
        finally
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
    }

    [Fact]
    public void DeniedFlood_EventBudgetSpent_FlowReportStillWritten()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            // Reports have a bucket of their own with the same rate and burst: the flood spends only the events'.
            using var datapath = Load(pinDirectory, new EventRateLimit { EventsPerSecond = 1, Burst = 2 });
            using var events = datapath.OpenEvents();
            var ifindex = (uint)fixture.PodA.HostIfIndex;
            datapath.SourceAddresses.Update(new SourceAddressKey(ifindex, IPAddress.Parse(Local)), default);
            datapath.Endpoints.Update(ifindex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.IngressIsolated));
            for (ushort port = 0; port < 10; port++)
                datapath.RunProgram(ToWorkload, PacketBuilder.Ip(Peer, Local).Udp((ushort)(6000 + port), 53), (int)ifindex);
            Assert.Equal(TcActOk, datapath.RunProgram(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(40003, 80), (int)ifindex).ReturnValue);
            Assert.InRange(datapath.ReadCounters().EventsSuppressed, 8ul, 9ul); // the denials past the burst (a refill may let one more out) and the SYN's event

            // The flow's entry as seen 2 s ago and reported 6 s ago (the report interval is 5 s): its next packet reports.
            var key = new ConntrackKey(ifindex, TrafficDirection.Egress, 6, IPAddress.Parse(Local), 40003, IPAddress.Parse(Peer), 80);
            Assert.True(datapath.Conntrack.TryLookup(key, out var value));
            var now = LibC.MonotonicNanoseconds();
            (value.ReportedNs, value.LastSeenNs) = (now - 6_000_000_000, now - 2_000_000_000);
            datapath.Conntrack.Update(key, value);
            datapath.RunProgram(FromWorkload, PacketBuilder.Ip(Local, Peer).Tcp(40003, 80, 0x10 /* ACK */), (int)ifindex);

            Assert.Equal(2ul, Assert.Single(events.Drain().Reports).Packets);
            Assert.Equal(0ul, datapath.ReadCounters().ReportsDeferred);
        }
        finally
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
    }

    private static Datapath Load(string pinDirectory, EventRateLimit limit) => Datapath.Load(new DatapathOptions
    {
        ObjectPath = RepoLayout.BpfObjectPath,
        PinDirectory = pinDirectory,
        ConntrackMaxEntries = 1024,
        EventRateLimit = limit,
    });
}
