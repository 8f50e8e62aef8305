using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>Builds policy batches and drives them through <see cref="IPolicyBatchGrain"/> as the API does.</summary>
internal static class PolicyBatches
{
    /// <summary>A valid namespaced policy that admits app=client-i to app=server-i on port 1000 + i.</summary>
    public static PolicySpec Policy(string prefix, int i) => new()
    {
        Id = $"{prefix}-{i}",
        Namespace = prefix,
        Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"server-{i}" } },
        Ingress = [new PolicyRule
        {
            From = [new PolicyPeer { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = $"client-{i}" } } }],
            Ports = [new PolicyPort { Protocol = "TCP", Port = 1000 + i % 60000 }],
        }],
    };

    public static List<PolicySpec> Many(string prefix, int count) => Enumerable.Range(0, count).Select(i => Policy(prefix, i)).ToList();

    /// <summary>Stages <paramref name="policies"/> in chunks on a new batch grain.</summary>
    public static async Task<IPolicyBatchGrain> StageAsync(IGrainFactory grains, IReadOnlyList<PolicySpec> policies, string? batchId = null)
    {
        var batch = grains.GetGrain<IPolicyBatchGrain>(batchId ?? Guid.NewGuid().ToString("N"));
        var chunks = policies.Chunk(IPolicyBatchGrain.ChunkSize).ToList();
        for (var i = 0; i < chunks.Count; i++)
            await batch.StageAsync(i, chunks[i]);
        return batch;
    }

    public static int ChunkCount(int policies) => (policies + IPolicyBatchGrain.ChunkSize - 1) / IPolicyBatchGrain.ChunkSize;

    /// <summary>The ids of <paramref name="policies"/> that the policy index holds.</summary>
    public static async Task<IReadOnlyList<string>> IndexedAsync(IGrainFactory grains, IEnumerable<PolicySpec> policies) =>
        await grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).FindExistingAsync(policies.Select(p => p.Id).ToList());
}
