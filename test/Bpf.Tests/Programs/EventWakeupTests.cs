using System.Diagnostics;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using MicroSeg.Testing;
using static MicroSeg.Bpf.DatapathProgram;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>
/// The data path wakes the event reader only every <see cref="EventWakeup.Every"/> events per CPU (a wakeup costs the
/// packet a self-IPI); the reader gets the rest on its poll timeout, and a batch wakes it at once.
/// </summary>
public sealed class EventWakeupTests(DatapathFixture fixture) : IClassFixture<DatapathFixture>
{
    private const string Local = "198.18.0.1", Peer = "198.18.0.2";

    [Theory]
    [InlineData(2, 1024)]   // 11,915 records of 88 bytes / 4 = 2,978: the cap
    [InlineData(8, 744)]
    [InlineData(64, 93)]
    [InlineData(100_000, 1)] // never 0 (0 would mean "the kernel's default")
    public void Every_HalfTheRingOverTheCpus_CappedAt1024(int cpus, ulong expected)
    {
        Assert.Equal(88, EventWakeup.RecordBytes); // the 80-byte event behind the ring's 8-byte header
        Assert.Equal(expected, EventWakeup.Every(1 << 20, cpus));
    }

    [Theory]
    [InlineData(1, 1u << 20)]
    [InlineData(5, 1u << 20)]   // 2 × 1,024 × 5 × 88 = 901,120
    [InlineData(6, 2u << 20)]   // 1,081,344
    [InlineData(64, 16u << 20)] // 11,534,336
    [InlineData(93, 16u << 20)] // 16,760,832: the last CPU count that fits
    [InlineData(94, 16u << 20)] // would be 32 MiB: capped
    [InlineData(100_000, 16u << 20)]
    public void RingBytes_TwiceABatchPerCpu_PowerOfTwoFrom1To16MiB(int cpus, uint expected) =>
        Assert.Equal(expected, EventWakeup.RingBytes(cpus));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(64)]
    [InlineData(93)]
    public void Every_RingSizedByCpus_AlwaysTheCap(int cpus) =>
        Assert.Equal(EventWakeup.Most, EventWakeup.Every(EventWakeup.RingBytes(cpus), cpus));

    [Fact]
    public void Load_RingSizedByThisMachinesCpus()
    {
        Run((datapath, events, ifindex) =>
        {
            var info = KernelTools.Run("bpftool", "map", "show", "pinned", Path.Combine(datapath.PinDirectory, "ms_events"));
            Assert.Contains($"max_entries {EventWakeup.RingBytes(LibBpfCpus())}", info);
        });
    }

    [Fact]
    public void Poll_FewerEventsThanABatch_ReturnedAfterTheTimeout()
    {
        Run((datapath, events, ifindex) =>
        {
            Deny(datapath, ifindex, 3);
            // No wakeup was sent, so the wait times out; the events are read then, not lost.
            Assert.Equal(3, events.Poll(TimeSpan.FromMilliseconds(50)).Count);
            Assert.Equal(0, events.Poll(TimeSpan.Zero).Count);
        });
    }

    [Fact]
    public void Poll_ABatchOfEvents_WakesTheReaderBeforeItsTimeout()
    {
        Run((datapath, events, ifindex) =>
        {
            var batch = (int)EventWakeup.Every(EventWakeup.RingBytes(LibBpfCpus()), LibBpfCpus()) * LibBpfCpus();
            // A wait far longer than a wakeup takes: only a wakeup ends it early. The task always ends (the
            // timeout) before the reader is disposed.
            var poll = Task.Run(() =>
            {
                var waited = Stopwatch.StartNew();
                var count = events.Poll(TimeSpan.FromSeconds(20)).Count;
                return (count, waited.Elapsed);
            });
            Thread.Sleep(100); // the reader is in epoll
            // One CPU reaches a batch whichever CPUs the test-runs land on.
            Deny(datapath, ifindex, batch);
            var (woken, elapsed) = poll.GetAwaiter().GetResult();
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"the reader was not woken by a batch of events (waited {elapsed})");
            Assert.Equal(batch, woken + events.Drain().Count);
        });
    }

    private static int LibBpfCpus() => MicroSeg.Bpf.Interop.LibBpf.NumPossibleCpus();

    private static void Deny(Datapath datapath, uint ifindex, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = datapath.RunProgram(ToWorkload, PacketBuilder.Ip(Peer, Local).Udp((ushort)(6000 + i % 50_000), 53), (int)ifindex);
            Assert.Equal(ProgramRunResult.TcActShot, result.ReturnValue);
        }
    }

    private void Run(Action<Datapath, FlowEventReader, uint> test)
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var datapath = Datapath.Load(new DatapathOptions
            {
                ObjectPath = RepoLayout.BpfObjectPath,
                PinDirectory = pinDirectory,
                ConntrackMaxEntries = 1024,
                EventRateLimit = EventRateLimit.Unlimited,
            });
            using var events = datapath.OpenEvents();
            var ifindex = (uint)fixture.PodA.HostIfIndex;
            datapath.Endpoints.Update(ifindex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.IngressIsolated));
            test(datapath, events, ifindex);
        }
        finally
        {
            Directory.Delete(pinDirectory, recursive: true);
        }
    }
}
