using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Maps;

/// <summary>
/// ms_control_plane, the pinned record of which control plane the maps were programmed from: it outlives the
/// loader (an agent restart), and the operator's command reaches and clears it through the pin alone.
/// </summary>
public sealed class PinnedControlPlaneTests
{
    [Fact]
    public void Forget_RecordWrittenByAnEarlierLoad_SurvivesReloadThenReadsEmpty()
    {
        var pinDirectory = DatapathFixture.NewPinDirectory();
        try
        {
            var written = new ControlPlaneRecord { Cluster = Guid.NewGuid(), Epoch = Guid.NewGuid(), Revision = 42, Entries = 7 };
            using (var first = Load(pinDirectory))
                first.ControlPlane.Update(0, written);

            using var second = Load(pinDirectory);
            Assert.True(second.ControlPlane.TryLookup(0, out var reloaded));
            Assert.Equal(written, reloaded);
            Assert.Equal(written, PinnedControlPlane.Read(pinDirectory));

            PinnedControlPlane.Forget(pinDirectory);

            Assert.True(second.ControlPlane.TryLookup(0, out var forgotten));
            Assert.True(forgotten.IsEmpty);
        }
        finally
        {
            if (Directory.Exists(pinDirectory))
                Directory.Delete(pinDirectory, recursive: true);
        }
    }

    [Fact]
    public void Read_NoPins_ThrowsNamingThePin()
    {
        var missing = DatapathFixture.NewPinDirectory();

        var error = Assert.Throws<BpfException>(() => PinnedControlPlane.Read(missing));

        Assert.Contains(Path.Combine(missing, PinnedControlPlane.MapName), error.Message);
    }

    private static Datapath Load(string pinDirectory) => Datapath.Load(new DatapathOptions
    {
        ObjectPath = RepoLayout.BpfObjectPath,
        PinDirectory = pinDirectory,
        ConntrackMaxEntries = 4096,
    });
}
