using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using MicroSeg.Runtime.Tests.Infrastructure;
using MicroSeg.Runtime.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Tests.Cluster;

/// <summary>A silo that receives a call for a grain its view places elsewhere passes it on instead of activating it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PlacementTests(PostgresFixture postgres)
{
    private const string StateGrainType = "state";

    [Fact]
    public async Task ForwardedCall_ReceiverIsNotTheOwner_PassedOnAndActivatedOnlyOnOwner()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3, client: false);
        var (sender, receiver, owner) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);
        var key = KeyOwnedBy(cluster, owner);

        var result = await SendAsync(sender, receiver, key, forwardCount: 0);

        Assert.Equal(4, result);
        Assert.Equal(1, Probe.Get($"state-activate:{key}"));
        Assert.Equal(1, ActivationsOn(owner, key));
        Assert.Equal(0, ActivationsOn(receiver, key));
    }

    [Fact]
    public async Task ForwardedCall_ForwardCountExhausted_FailsWithRetryableErrorAndActivatesNothing()
    {
        await using var cluster = await postgres.StartClusterAsync(silos: 3, client: false);
        var (sender, receiver, owner) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);
        var key = KeyOwnedBy(cluster, owner);

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => SendAsync(sender, receiver, key, Catalog.MaxForwardCount));

        Assert.Contains("retry", error.Message);
        Assert.Equal(0, Probe.Get($"state-activate:{key}"));
    }

    /// <summary>Sends IStateGrain.AddAsync(4) from <paramref name="sender"/> straight to <paramref name="receiver"/>, as a silo with that placement would.</summary>
    private static Task<int> SendAsync(TestClusterSilo sender, TestClusterSilo receiver, string key, int forwardCount)
    {
        var method = InterfaceRegistry.For(typeof(IStateGrain)).Methods.Single(m => m.Method.Name == nameof(IStateGrain.AddAsync));
        var call = method.CreateLocalCall([4], long.MaxValue, out var task);
        call.ForwardCount = forwardCount;
        Assert.True(SiloAddress.TryParse(receiver.SiloAddress, out var address));
        sender.Services.GetRequiredService<SiloConnections>().Forward(address, TargetKind.GrainType, StateGrainType, key, call);
        return ((Task<int>)task).WaitAsync(TimeSpan.FromSeconds(15));
    }

    private static string KeyOwnedBy(TestCluster cluster, TestClusterSilo owner) =>
        Enumerable.Range(0, 200).Select(_ => Wait.NewKey()).First(k => cluster.OwnerOf(StateGrainType, k) == owner);

    private static int ActivationsOn(TestClusterSilo silo, string key) =>
        silo.Services.GetRequiredService<Catalog>().Activations.Count(a => a.Class.GrainType == StateGrainType && a.Key == key);
}
