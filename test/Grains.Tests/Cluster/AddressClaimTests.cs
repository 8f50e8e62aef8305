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
}
