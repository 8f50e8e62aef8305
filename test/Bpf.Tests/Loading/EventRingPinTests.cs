using MicroSeg.Bpf.Interop;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;
using static MicroSeg.Bpf.DatapathProgram;
using static MicroSeg.Bpf.Tests.Fixtures.KernelTools;

namespace MicroSeg.Bpf.Tests.Loading;

/// <summary>
/// ms_events is sized by the CPU count at load. A ring pinned at another size (another CPU count, or an agent from
/// before the ring was sized) is replaced, and only it: the node's other maps are reused as they are.
/// </summary>
public sealed class EventRingPinTests
{
    private const uint LoopbackIfIndex = 1; // BPF_PROG_TEST_RUN needs an existing device; nothing is attached to it

    [Fact]
    public void Load_RingPinnedAtAnotherSize_ReplacedAndOtherPinsKept()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            var key = new PolicyKey(12345, 9, 443, 6, TrafficDirection.Egress);
            using (var first = Load(pinDirectory))
                first.Policy.Update(key, new PolicyValue(3, PolicyAction.Deny));
            var ring = Path.Combine(pinDirectory, "ms_events");
            var sized = EventWakeup.RingBytes(LibBpf.NumPossibleCpus());
            File.Delete(ring);
            Run("bpftool", "map", "create", ring, "type", "ringbuf", "key", "0", "value", "0", "entries", $"{sized * 2}", "name", "ms_events");

            using var second = Load(pinDirectory);

            Assert.Contains($"max_entries {sized}", Run("bpftool", "map", "show", "pinned", ring));
            Assert.True(second.Policy.TryLookup(key, out var value), "the policy pin was not reused");
            Assert.Equal((3u, PolicyAction.Deny), (value.RuleId, value.Action));
            // The new ring is the one the programs write: a denied packet's event is read from it.
            using var events = second.OpenEvents();
            second.Endpoints.Update(LoopbackIfIndex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.IngressIsolated));
            var result = second.RunProgram(ToWorkload, PacketBuilder.Ip("198.18.0.2", "198.18.0.1").Udp(6000, 53), (int)LoopbackIfIndex);
            Assert.Equal(ProgramRunResult.TcActShot, result.ReturnValue);
            var read = Assert.Single(events.Drain().Events);
            Assert.Equal(LoopbackIfIndex, read.IfIndex);
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Load_RefusedForAnotherMap_RingOfAnotherSizeLeftAsItWas()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            Directory.CreateDirectory(pinDirectory);
            var ring = Path.Combine(pinDirectory, "ms_events");
            var other = EventWakeup.RingBytes(LibBpf.NumPossibleCpus()) * 2;
            Run("bpftool", "map", "create", Path.Combine(pinDirectory, "ms_abi"), "type", "array", "key", "4", "value", "4", "entries", "4", "name", "ms_abi");
            Run("bpftool", "map", "create", ring, "type", "ringbuf", "key", "0", "value", "0", "entries", $"{other}", "name", "ms_events");

            var ex = Assert.Throws<BpfException>(() => Load(pinDirectory));

            Assert.Contains("the pins have data-plane ABI version 4", ex.Message);
            Assert.DoesNotContain("ms_events", ex.Message); // a ring of another size is not a reason to refuse
            Assert.Contains($"max_entries {other}", Run("bpftool", "map", "show", "pinned", ring)); // a refused load changes nothing
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Load_RingPinnedAtItsSize_Reused()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using (Load(pinDirectory))
            {
            }
            var ring = Path.Combine(pinDirectory, "ms_events");
            var before = Run("bpftool", "map", "show", "pinned", ring).Split(':')[0];

            using var second = Load(pinDirectory);

            Assert.Equal(before, Run("bpftool", "map", "show", "pinned", ring).Split(':')[0]); // the same map id
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }
}
