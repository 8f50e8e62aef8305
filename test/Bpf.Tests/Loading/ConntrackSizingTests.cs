using System.Text.Json;
using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Loading;

/// <summary>
/// ms_conntrack4 and ms_conntrack6 get the sizes <see cref="DatapathOptions"/> asks for, read back from the kernel
/// (bpftool's view of the pins), and pins of another size are refused rather than reused.
/// </summary>
public sealed class ConntrackSizingTests
{
    [Theory]
    [InlineData(4096u, 1024u, 1024u)]
    [InlineData(2048u, 8192u, 8192u)]
    [InlineData(4096u, null, 4096u)] // not given: the IPv6 map is sized as the IPv4 one
    public void Load_SizesEachFamilysMapApart(uint ipv4, uint? ipv6, uint ipv6Expected)
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using (Load(pinDirectory, ipv4, ipv6))
            {
                Assert.Equal(ipv4, MaxEntries(Path.Combine(pinDirectory, "ms_conntrack4")));
                Assert.Equal(ipv6Expected, MaxEntries(Path.Combine(pinDirectory, "ms_conntrack6")));
            }
        }
        finally
        {
            KernelTools.DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Load_PinnedIPv6MapOfAnotherSize_RefusedNamingIt()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            using (Load(pinDirectory, 4096, 1024))
            {
            }

            var error = Assert.Throws<BpfException>(() => Load(pinDirectory, 4096, 2048));

            Assert.Contains("ms_conntrack6", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("ms_conntrack4", error.Message, StringComparison.Ordinal);
            // The pins were left as they were: the old size still loads.
            using var again = Load(pinDirectory, 4096, 1024);
            Assert.Equal(1024u, MaxEntries(Path.Combine(pinDirectory, "ms_conntrack6")));
        }
        finally
        {
            KernelTools.DeletePins(pinDirectory);
        }
    }

    [Fact]
    public void Load_IPv6SizeZero_Refused()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => Load(pinDirectory, 4096, 0));
            Assert.Contains("ConntrackIPv6MaxEntries", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            KernelTools.DeletePins(pinDirectory);
        }
    }

    private static Datapath Load(string pinDirectory, uint ipv4, uint? ipv6) => Datapath.Load(new DatapathOptions
    {
        ObjectPath = RepoLayout.BpfObjectPath,
        PinDirectory = pinDirectory,
        ConntrackMaxEntries = ipv4,
        ConntrackIPv6MaxEntries = ipv6,
    });

    private static uint MaxEntries(string pinnedMap)
    {
        using var json = JsonDocument.Parse(KernelTools.Run("bpftool", "-j", "map", "show", "pinned", pinnedMap));
        return json.RootElement.GetProperty("max_entries").GetUInt32();
    }
}
