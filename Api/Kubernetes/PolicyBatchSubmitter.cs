using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using Orleans;

namespace MicroSeg.Api.Kubernetes;

/// <summary>What happened to a submitted batch.</summary>
/// <param name="BatchId">The batch grain's key.</param>
/// <param name="Existed">The ids that existed before the batch (kubectl's "configured" rather than "created").</param>
/// <param name="Applied">True when the batch was applied before the wait ended; false when it is accepted and still applying.</param>
internal sealed record SubmittedBatch(string BatchId, IReadOnlySet<string> Existed, bool Applied);

/// <summary>
/// Hands a validated list of policies to a new <see cref="IPolicyBatchGrain"/> in chunks, commits it, and waits
/// for it to be applied. The request's cancellation token only ends the wait: once the commit returned, the
/// batch is durable and finishes whatever the client does.
/// </summary>
internal static class PolicyBatchSubmitter
{
    /// <summary>How long a request waits for an accepted batch to be applied before answering 202.</summary>
    public static readonly TimeSpan ApplyWait = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Stages and commits <paramref name="policies"/>, whose ids in <paramref name="existed"/> exist now (<see cref="FindExistingAsync"/>).</summary>
    public static async Task<SubmittedBatch> SubmitAsync(IGrainFactory grains, IReadOnlyList<PolicySpec> policies, IReadOnlySet<string> existed, TimeProvider time, CancellationToken waitToken)
    {
        var chunks = policies.Chunk(IPolicyBatchGrain.ChunkSize).ToList();

        // Nothing below may observe the request token until the batch is committed: a client that goes away
        // while chunks are staged leaves an uncommitted batch behind, which changes nothing and idles out.
        var (batchId, batch) = await StageAndCommitAsync(grains, chunks);

        var deadline = time.GetUtcNow() + ApplyWait;
        try
        {
            while (time.GetUtcNow() < deadline)
            {
                if ((await batch.GetStatusAsync()).Phase == PolicyBatchPhase.Applied)
                    return new SubmittedBatch(batchId, existed, Applied: true);
                await Task.Delay(PollInterval, time, waitToken);
            }
        }
        catch (OperationCanceledException) when (waitToken.IsCancellationRequested)
        {
            // The client left; the batch goes on without it.
        }
        return new SubmittedBatch(batchId, existed, Applied: false);
    }

    private static async Task<(string, IPolicyBatchGrain)> StageAndCommitAsync(IGrainFactory grains, List<PolicySpec[]> chunks)
    {
        // A commit finds its staged chunks missing only if the batch's activation moved in between (a silo
        // died): stage a fresh batch once more, then give up with a 503 (nothing was applied).
        for (var attempt = 0; ; attempt++)
        {
            var batchId = Guid.NewGuid().ToString("N");
            var batch = grains.GetGrain<IPolicyBatchGrain>(batchId);
            for (var i = 0; i < chunks.Count; i++)
                await batch.StageAsync(i, chunks[i]);
            var status = await batch.CommitAsync(chunks.Count);
            if (status.Staged)
                return (batchId, batch);
            if (attempt > 0)
                throw new Orleans.Runtime.SiloUnavailableException($"policy batch {batchId} lost its staged chunks twice; nothing was applied, retry the request.");
        }
    }

    /// <summary>The ids of <paramref name="policies"/> that exist now, asked of the policy index a chunk at a time.</summary>
    public static async Task<IReadOnlySet<string>> FindExistingAsync(IGrainFactory grains, IReadOnlyList<PolicySpec> policies)
    {
        var index = grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster);
        var found = await Task.WhenAll(policies.Chunk(IPolicyBatchGrain.ChunkSize).Select(c => index.FindExistingAsync(c.Select(p => p.Id).ToList())));
        return found.SelectMany(f => f).ToHashSet(StringComparer.Ordinal);
    }
}
