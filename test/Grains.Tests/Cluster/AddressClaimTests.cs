using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>Address claims as workload writes take, keep and give them up.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AddressClaimTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Relabel_KeepsTheClaimWithoutWritingIt_AndAnotherWorkloadIsStillRefused()
    {
        var grains = fixture.Grains;
        var node = $"adr-{Guid.NewGuid():N}"[..12];
        const string address = "198.18.61.7";
        var owner = grains.GetGrain<IWorkloadGrain>($"{node}-a");
        await owner.SetAsync(PolicyFanoutTests.Workload($"{node}-a", node, address, "web"));
        var claim = grains.GetGrain<IAddressClaimGrain>(AddressKeys.Of(address));
        var before = await claim.GetAsync();

        // A relabel keeps the address: the record that lists it protects the claim, which is not written again.
        await owner.SetAsync(PolicyFanoutTests.Workload($"{node}-a", node, address, "api"));
        var after = await claim.GetAsync();
        Assert.True(after.IsHeldBy($"{node}-a"));
        Assert.Equal(before.Generation, after.Generation);

        var thief = grains.GetGrain<IWorkloadGrain>($"{node}-b");
        var refused = await Assert.ThrowsAsync<AddressInUseException>(() => thief.SetAsync(PolicyFanoutTests.Workload($"{node}-b", node, address, "web")));
        Assert.Contains($"{node}-a", refused.Message);
        Assert.Null(await thief.GetAsync());
        Assert.True((await claim.GetAsync()).IsHeldBy($"{node}-a"));
    }

    /// <summary>
    /// A workload drops an address and adds it again while the release it sent is still on its way: the release,
    /// delivered late, names the generation it read and must not free the address the workload lists again.
    /// </summary>
    [Fact]
    public async Task AReleaseDeliveredAfterTheHolderClaimedAgain_FreesNothing()
    {
        var grains = fixture.Grains;
        var node = $"adr-{Guid.NewGuid():N}"[..12];
        const string address = "198.18.61.8";
        var id = $"{node}-a";
        var claim = grains.GetGrain<IAddressClaimGrain>(AddressKeys.Of(address));

        // The claim a release would have been sent under: taken, then (the release still in flight) claimed again.
        var first = await claim.ClaimAsync(id);
        var again = await claim.ClaimAsync(id);
        Assert.True(again.Generation > first.Generation);
        await claim.ReleaseAsync(id, first.Generation);
        Assert.Equal(again, await claim.GetAsync());

        // Through workload writes: the address dropped (released), then listed again; the release is delivered a
        // second time (a retried message). Only the part above fails with a renewal that keeps the generation.
        var owner = grains.GetGrain<IWorkloadGrain>(id);
        await owner.SetAsync(PolicyFanoutTests.Workload(id, node, address, "web"));
        var held = await claim.GetAsync();
        await owner.SetAsync(PolicyFanoutTests.Workload(id, node, "198.18.61.9", "web"));
        Assert.Null((await claim.GetAsync()).Holder);
        await owner.SetAsync(PolicyFanoutTests.Workload(id, node, address, "web"));
        await claim.ReleaseAsync(id, held.Generation);
        Assert.True((await claim.GetAsync()).IsHeldBy(id));

        var thief = grains.GetGrain<IWorkloadGrain>($"{node}-b");
        await Assert.ThrowsAsync<AddressInUseException>(() => thief.SetAsync(PolicyFanoutTests.Workload($"{node}-b", node, address, "web")));

        // A release under the current generation frees it, and only by its holder.
        var current = await claim.GetAsync();
        await claim.ReleaseAsync($"{node}-b", current.Generation);
        Assert.True((await claim.GetAsync()).IsHeldBy(id));
        await claim.ReleaseAsync(id, current.Generation);
        Assert.Null((await claim.GetAsync()).Holder);
    }
}
