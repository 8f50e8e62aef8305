using MicroSeg.Grains.Addresses;
using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// Address claims keep no activation once their calls are done, and a claim lost with its stored row is taken back by
/// the first write of the holder's next activation. Its own silo on its own SQLite file, so that a forced collection
/// and a cleared row touch no other test.
/// </summary>
public sealed class AddressClaimLifetimeTests : OwnSqliteCluster<AddressClaimLifetimeTests>
{
    [Fact]
    public async Task ClaimActivations_EndWithTheirCalls_AndWhatTheyStoredIsReadBack()
    {
        const string Address = "198.18.62.9";
        var (_, claim) = await WriteHolderAsync("lt-a", Address);

        Assert.True((await claim.GetAsync()).IsHeldBy("lt-a"));
        await WaitForNoActivationAsync(claim);
        var refused = await Assert.ThrowsAsync<AddressInUseException>(
            () => Grains.GetGrain<IWorkloadGrain>("lt-b").SetAsync(PolicyFanoutTests.Workload("lt-b", "lt-n", Address, "web")));
        Assert.Contains("lt-a", refused.Message);
    }

    [Fact]
    public async Task ALostClaim_IsTakenBackByTheFirstWriteOfTheHoldersNextActivation()
    {
        const string Address = "198.18.62.10";
        var (owner, claim) = await WriteHolderAsync("lt-c", Address);

        // The claim's row is lost (a restored or emptied store).
        var storage = ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var row = new GrainState<AddressClaimState>();
        await storage.ReadStateAsync("address-claim", claim.GetGrainId(), row);
        Assert.True(row.RecordExists);
        await storage.ClearStateAsync("address-claim", claim.GetGrainId(), row);
        Assert.Null((await claim.GetAsync()).Holder);

        // Within the recheck period the activation trusts its record's claims: the write does not ask.
        await owner.SetAsync(PolicyFanoutTests.Workload("lt-c", "lt-n", Address, "api"));
        Assert.Null((await claim.GetAsync()).Holder);

        // The holder's next activation checks them on its first write and takes the free address back.
        var management = Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        await owner.SetAsync(PolicyFanoutTests.Workload("lt-c", "lt-n", Address, "web"));
        Assert.True((await claim.GetAsync()).IsHeldBy("lt-c"));
        await Assert.ThrowsAsync<AddressInUseException>(
            () => Grains.GetGrain<IWorkloadGrain>("lt-d").SetAsync(PolicyFanoutTests.Workload("lt-d", "lt-n", Address, "web")));
    }

    /// <summary>Writes workload <paramref name="id"/> with <paramref name="address"/>; returns once the claim's activation has ended.</summary>
    private async Task<(IWorkloadGrain Owner, IAddressClaimGrain Claim)> WriteHolderAsync(string id, string address)
    {
        var owner = Grains.GetGrain<IWorkloadGrain>(id);
        await owner.SetAsync(PolicyFanoutTests.Workload(id, "lt-n", address, "web"));
        var claim = Grains.GetGrain<IAddressClaimGrain>(AddressKeys.Of(address));
        await WaitForNoActivationAsync(claim);
        return (owner, claim);
    }

    private async Task WaitForNoActivationAsync(IAddressClaimGrain claim)
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await management.GetActivationAddress(claim) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the claim's activation outlived its calls by 10 s");
            await Task.Delay(20);
        }
    }
}
