using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Identity;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>The identity allocator's two-step hold (reserve, then store beside the holder's own write).</summary>
[Collection(ClusterCollection.Name)]
public sealed class IdentityAllocatorTests(ClusterFixture fixture)
{
    private IIdentityAllocatorGrain Allocator => fixture.Grains.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster);

    [Fact]
    public async Task ReserveThenPersist_HoldsTheSameNumber_ReleasedWithItsLastHolder_NeverReused()
    {
        var labels = new Dictionary<string, string> { ["app"] = $"alloc-{Guid.NewGuid():N}" };
        var reserved = await Allocator.ReserveAsync(labels, "h1");
        Assert.Equal(reserved, await Allocator.PersistHoldAsync(labels, "h1"));
        // The same label set for another holder is the same identity; an acquire after a reservation too.
        Assert.Equal(reserved, await Allocator.AcquireAsync(labels, "h2"));
        Assert.Equal(reserved, await Allocator.ReserveAsync(labels, "h1"));
        var info = Assert.Single(await Allocator.GetAllAsync(), i => i.Identity == reserved);
        Assert.Equal(["h1", "h2"], info.Holders.Order());

        await Allocator.ReleaseAsync(labels, "h1");
        await Allocator.ReleaseAsync(labels, "h2");
        Assert.DoesNotContain(await Allocator.GetAllAsync(), i => i.Identity == reserved);
        var again = await Allocator.ReserveAsync(labels, "h3");
        Assert.True(again > reserved, $"a released number came back: {again} after {reserved}");
        Assert.Equal(again, await Allocator.PersistHoldAsync(labels, "h3"));
        await Allocator.ReleaseAsync(labels, "h3");
    }

    [Fact]
    public async Task PersistWithoutReservation_AcquiresAnew()
    {
        var labels = new Dictionary<string, string> { ["app"] = $"alloc-{Guid.NewGuid():N}" };
        // What a holder sees when the allocator restarted after its reservation: the hold is acquired anew.
        var held = await Allocator.PersistHoldAsync(labels, "h1");
        var info = Assert.Single(await Allocator.GetAllAsync(), i => i.Identity == held);
        Assert.Equal(["h1"], info.Holders);
        await Allocator.ReleaseAsync(labels, "h1");
    }
}
