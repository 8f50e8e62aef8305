using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>Policy batches on two silos: all or nothing on validation, complete once accepted, ordered against single writes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PolicyBatchTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Commit_InvalidPolicyInTheMiddle_ThrowsNamingItAndWritesNothing()
    {
        var prefix = $"bad-{Guid.NewGuid():N}"[..12];
        var policies = PolicyBatches.Many(prefix, 2500);
        policies[1700] = policies[1700] with { Ingress = [new PolicyRule { Ports = [new PolicyPort { Protocol = "TCP", Port = 70000 }] }] };
        var batch = await PolicyBatches.StageAsync(fixture.Grains, policies);

        var error = await Assert.ThrowsAsync<SpecValidationException>(() => batch.CommitAsync(PolicyBatches.ChunkCount(policies.Count)));

        Assert.Contains(error.Errors, e => e.Field.StartsWith("documents[1700].ingress[0].ports[0]", StringComparison.Ordinal));
        Assert.All(error.Errors, e => Assert.StartsWith("documents[1700].", e.Field, StringComparison.Ordinal));
        Assert.Equal(PolicyBatchPhase.None, (await batch.GetStatusAsync()).Phase);
        Assert.Empty(await PolicyBatches.IndexedAsync(fixture.Grains, policies));
        foreach (var i in new[] { 0, 999, 1000, 1699, 1701, 2499 })
            Assert.Null(await fixture.Grains.GetGrain<IPolicyGrain>(policies[i].Id).GetAsync());
    }

    [Fact]
    public async Task Commit_MissingChunk_IsRefusedAsNotStaged()
    {
        var policies = PolicyBatches.Many($"gap-{Guid.NewGuid():N}"[..12], 10);
        var batch = await PolicyBatches.StageAsync(fixture.Grains, policies);

        var status = await batch.CommitAsync(2);

        Assert.False(status.Staged);
        Assert.Equal(PolicyBatchPhase.None, status.Phase);
        Assert.Empty(await PolicyBatches.IndexedAsync(fixture.Grains, policies));
    }

    [Fact]
    public async Task Commit_ValidBatch_IsAppliedToIndexPolicyGrainsAndNodesWithoutTheCaller()
    {
        var prefix = $"ok-{Guid.NewGuid():N}"[..12];
        var node = $"{prefix}-n";
        await fixture.Grains.GetGrain<IWorkloadGrain>($"{prefix}-srv").SetAsync(
            PolicyFanoutTests.Workload($"{prefix}-srv", node, "198.18.70.1", "server-2100") with { Namespace = prefix });
        await fixture.Grains.GetGrain<IWorkloadGrain>($"{prefix}-cli").SetAsync(
            PolicyFanoutTests.Workload($"{prefix}-cli", node, "198.18.70.2", "client-2100") with { Namespace = prefix });
        var policies = PolicyBatches.Many(prefix, 2500);
        var batch = await PolicyBatches.StageAsync(fixture.Grains, policies);

        var accepted = await batch.CommitAsync(PolicyBatches.ChunkCount(policies.Count));

        // The commit answers once the batch is durable; the apply goes on without further calls.
        Assert.Equal(PolicyBatchPhase.Accepted, accepted.Phase);
        Assert.Equal(2500, accepted.Policies);
        await Wait.UntilAsync(async () => (await PolicyBatches.IndexedAsync(fixture.Grains, policies)).Count == 2500, Timeout, "the batch in the index");
        await Wait.UntilAsync(async () => await fixture.Grains.GetGrain<IPolicyGrain>(policies[^1].Id).GetAsync() is not null, Timeout, "the last policy grain");
        foreach (var i in new[] { 0, 1000, 2100, 2499 })
            Assert.Equal(policies[i].Ingress![0].Ports![0].Port, (await fixture.Grains.GetGrain<IPolicyGrain>(policies[i].Id).GetAsync())!.Ingress![0].Ports![0].Port);
        await Wait.UntilAsync(async () => (await batch.GetStatusAsync()).Phase == PolicyBatchPhase.Applied, Timeout, "the batch to be applied");
        await Wait.UntilAsync(async () => (await fixture.Grains.GetGrain<INodeGrain>(node).GetRulesAsync()).Policy.Any(e => e.Port == 1000 + 2100), Timeout, "the node's entry of policy 2100");
    }

    [Fact]
    public async Task ApplyBatch_OlderThanASingleWrite_KeepsTheSingleWrite()
    {
        var prefix = $"ord-{Guid.NewGuid():N}"[..12];
        var policy = PolicyBatches.Policy(prefix, 1);
        var newer = policy with { Priority = 9 };
        var grain = fixture.Grains.GetGrain<IPolicyGrain>(policy.Id);
        await grain.SetAsync(newer);
        var index = fixture.Grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster);

        // A batch accepted before the PUT (stamp in the past) that only now reaches this policy.
        var stale = DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks;
        var wrote = await grain.ApplyBatchAsync(policy, stale);
        await index.UpsertAsync(policy, stale);

        Assert.False(wrote);
        Assert.Equal(9, (await grain.GetAsync())!.Priority);
        Assert.Equal(9, (await index.GetAllAsync()).Single(p => p.Id == policy.Id).Priority);
    }

    [Fact]
    public async Task ApplyBatch_SameBatchTwice_WritesOnce()
    {
        var policy = PolicyBatches.Policy($"twice-{Guid.NewGuid():N}"[..12], 1);
        var grain = fixture.Grains.GetGrain<IPolicyGrain>(policy.Id);
        var stamp = DateTimeOffset.UtcNow.UtcTicks;

        Assert.True(await grain.ApplyBatchAsync(policy, stamp));
        Assert.False(await grain.ApplyBatchAsync(policy, stamp));
        Assert.Equal(policy.Id, (await grain.GetAsync())!.Id);
    }
}
