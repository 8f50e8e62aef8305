using MicroSeg.Bpf.Tests.Fixtures;
using static MicroSeg.Bpf.Tests.Fixtures.KernelTools;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Loading;

/// <summary>
/// What stays when the loader goes away, what the kernel reports as attached, and the explicit uninstall
/// that alone removes enforcement. Real veths in the test's own network.
/// </summary>
public sealed class DatapathUninstallTests
{
    [Fact]
    public void IsAttached_ReadsTheKernel_NotWhatWasDone()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var network = TestNetwork.Create();
            var a = network.AddPod("a", "198.18.0.1/24");
            using var datapath = Load(pinDirectory);
            Assert.False(datapath.IsAttached(a.HostIfIndex));

            datapath.Attach(a.HostIfIndex);
            Assert.True(datapath.IsAttached(a.HostIfIndex));

            // Someone removes our ingress filter behind our back: the remembered attachment is not believed.
            Tc("filter", "del", "dev", a.HostInterface, "ingress");
            Assert.Contains(a.HostIfIndex, datapath.AttachedInterfaces);
            Assert.False(datapath.IsAttached(a.HostIfIndex));

            // A second loader (a restarted agent) replaces the programs in place: now the first one's are not there.
            using var second = Load(pinDirectory);
            second.Attach(a.HostIfIndex);
            Assert.True(second.IsAttached(a.HostIfIndex));
            Assert.False(datapath.IsAttached(a.HostIfIndex));
            Assert.Single(OurFilters(a.HostInterface, "ingress"));
            Assert.Single(OurFilters(a.HostInterface, "egress"));
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Uninstall_AfterLoaderExit_RemovesOurFiltersAndPinsOnly()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using var network = TestNetwork.Create();
            var a = network.AddPod("a", "198.18.0.1/24");
            var b = network.AddPod("b", "198.18.0.2/24");
            using (var datapath = Load(pinDirectory))
            {
                foreach (var pod in new[] { a, b })
                {
                    datapath.Endpoints.Update((uint)pod.HostIfIndex, new EndpointValue(7, EndpointMode.Protect, EndpointFlags.None));
                    datapath.Attach(pod.HostIfIndex);
                }
            }
            // The loader is gone (an agent that exited): its programs keep running.
            Assert.Single(OurFilters(a.HostInterface, "ingress"));
            Assert.Single(OurFilters(b.HostInterface, "egress"));
            // A filter that is not ours, beside ours on the same hook, is not touched.
            Tc("filter", "add", "dev", a.HostInterface, "ingress", "prio", "7", "u32", "match", "u32", "0", "0", "flowid", "1:1");

            var result = DatapathUninstall.Run(pinDirectory);

            Assert.Equal([a.HostIfIndex, b.HostIfIndex], result.DetachedInterfaces.Order());
            Assert.True(result.PinDirectoryRemoved);
            Assert.False(Directory.Exists(pinDirectory));
            foreach (var pod in new[] { a, b })
            {
                Assert.Empty(OurFilters(pod.HostInterface, "ingress"));
                Assert.Empty(OurFilters(pod.HostInterface, "egress"));
            }
            Assert.Contains("u32", Tc("filter", "show", "dev", a.HostInterface, "ingress"));
            var again = DatapathUninstall.Run(pinDirectory); // a second run finds nothing, and that is fine
            Assert.Empty(again.DetachedInterfaces);
            Assert.False(again.PinDirectoryRemoved);
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Uninstall_PinsOfAnEarlierAbi_RemovesTheRetiredConntrackMapToo()
    {
        // As ABI 4 left them: one conntrack map for both families, named ms_conntrack.
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            Directory.CreateDirectory(pinDirectory);
            Run("bpftool", "map", "create", Path.Combine(pinDirectory, "ms_abi"), "type", "array", "key", "4", "value", "4", "entries", "4", "name", "ms_abi");
            Run("bpftool", "map", "create", Path.Combine(pinDirectory, "ms_conntrack"), "type", "lru_hash", "key", "44", "value", "64",
                "entries", "16", "name", "ms_conntrack");

            var result = DatapathUninstall.Run(pinDirectory);

            Assert.True(result.PinDirectoryRemoved);
            Assert.False(Directory.Exists(pinDirectory));
        }
        finally
        {
            DeletePins(pinDirectory);
        }
    }
}
