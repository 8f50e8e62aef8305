using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Workloads;
using MicroSeg.Grains.Nodes;
using MicroSeg.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>
/// A workload write that storage commits but reports as failed (a connection lost after the commit) must not give
/// up the addresses it had just claimed: the stored record lists them. Its own silo, whose default storage can be
/// told to fail one grain's next write after committing it.
/// </summary>
public sealed class AddressClaimWriteFailureTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task AWriteFailingAfterItsCommit_KeepsTheAddressesItsStoredRecordLists()
    {
        var grains = _cluster.GrainFactory;
        const string Address = "198.18.63.4";
        var owner = grains.GetGrain<IWorkloadGrain>("wf-a");
        CommitThenFailStorage.FailNextWriteOf.TryAdd(owner.GetGrainId(), true);

        await Assert.ThrowsAsync<OrleansException>(() => owner.SetAsync(PolicyFanoutTests.Workload("wf-a", "wf-n", Address, "web")));

        // Storage holds the record, so the address must stay with it.
        var storage = ((InProcessSiloHandle)_cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("inner");
        var stored = new GrainState<WorkloadState>();
        await storage.ReadStateAsync("workload", owner.GetGrainId(), stored);
        Assert.Equal([Address], stored.State?.Workload?.Spec.Addresses);
        var claim = grains.GetGrain<IAddressClaimGrain>(AddressKeys.Of(Address));
        Assert.True((await claim.GetAsync()).IsHeldBy("wf-a"));
        await Assert.ThrowsAsync<AddressInUseException>(
            () => grains.GetGrain<IWorkloadGrain>("wf-b").SetAsync(PolicyFanoutTests.Workload("wf-b", "wf-n", Address, "web")));

        // Asked by a takeover, the holder counts the record it may have stored as its own, also after a second
        // failed write (to another address), which does not tell whether the first was stored.
        Assert.True(await owner.HoldsAddressAsync(AddressKeys.Of(Address)));
        CommitThenFailStorage.FailNextWriteOf.TryAdd(owner.GetGrainId(), true);
        await Assert.ThrowsAsync<OrleansException>(() => owner.SetAsync(PolicyFanoutTests.Workload("wf-a", "wf-n", "198.18.63.5", "web")));
        Assert.True(await owner.HoldsAddressAsync(AddressKeys.Of(Address)));
        Assert.True(await owner.HoldsAddressAsync(AddressKeys.Of("198.18.63.5")));

        // The holder's retry of the write keeps the address.
        await owner.SetAsync(PolicyFanoutTests.Workload("wf-a", "wf-n", Address, "web"));
        Assert.True((await claim.GetAsync()).IsHeldBy("wf-a"));
    }

    /// <summary>Memory storage that commits a marked grain's next write and then reports it as failed.</summary>
    private sealed class CommitThenFailStorage(IGrainStorage inner) : IGrainStorage
    {
        public static ConcurrentDictionary<GrainId, bool> FailNextWriteOf { get; } = new();

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
            if (FailNextWriteOf.TryRemove(grainId, out _))
                throw new IOException("connection lost after the commit");
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage("inner");
            silo.Services.AddKeyedSingleton<IGrainStorage>("Default", (services, _) =>
                new CommitThenFailStorage(services.GetRequiredKeyedService<IGrainStorage>("inner")));
            // Grains whose state names no provider read the unkeyed service.
            silo.Services.AddSingleton(services => services.GetRequiredKeyedService<IGrainStorage>("Default"));
            silo.Services.AddKeyedSingleton<TimeProvider>(NodeGrain.ClockKey, new FakeTimeProvider(DateTimeOffset.UtcNow));
            SiloConfiguration.AddMemoryFanout(silo);
            silo.UseInMemoryReminderService();
            SiloConfiguration.ConfigureShared(silo);
        }
    }
}
