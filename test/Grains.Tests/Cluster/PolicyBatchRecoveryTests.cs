using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>An accepted batch whose silo dies mid-apply is finished by the surviving silo.</summary>
[Collection(DurableClusterCollection.Name)]
public sealed class PolicyBatchRecoveryTests(DurableClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Commit_SiloKilledMidApply_SurvivorCompletesTheBatch()
    {
        var prefix = $"kill-{Guid.NewGuid():N}"[..12];
        var policies = PolicyBatches.Many(prefix, 4000);
        var secondary = fixture.Cluster.SecondarySilos[0];
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);

        // Stage on a batch grain that lives on the silo about to die (the primary holds the test cluster's membership).
        IPolicyBatchGrain? batch = null;
        for (var attempt = 0; attempt < 50 && batch is null; attempt++)
        {
            var candidate = await PolicyBatches.StageAsync(fixture.Grains, policies);
            if (await management.GetActivationAddress(candidate) == secondary.SiloAddress)
                batch = candidate;
        }
        Assert.NotNull(batch);

        var accepted = await batch.CommitAsync(PolicyBatches.ChunkCount(policies.Count));
        await fixture.Cluster.KillSiloAsync(secondary);

        // Accepted (durable) but not applied when its silo died: asking for its status activates it on the
        // survivor, which resumes it (the reminder would do the same within a minute).
        Assert.Equal(PolicyBatchPhase.Accepted, accepted.Phase);
        await Wait.UntilAsync(async () => await TryAsync(async () => (await batch.GetStatusAsync()).Phase == PolicyBatchPhase.Applied), Timeout, "the batch to be applied");
        Assert.Equal(policies.Count, (await PolicyBatches.IndexedAsync(fixture.Grains, policies)).Count);
        var written = await Task.WhenAll(policies.Select(p => fixture.Grains.GetGrain<IPolicyGrain>(p.Id).GetAsync()));
        Assert.All(written, (p, i) => Assert.Equal(policies[i].Id, p?.Id));
        Assert.Equal(policies.Count, (await batch.GetStatusAsync()).Policies);
    }

    /// <summary>Calls fail while the dead silo's grains are being placed anew; that is "not yet", not a failure.</summary>
    private static async Task<bool> TryAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            return false;
        }
    }
}
