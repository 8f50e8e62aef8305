using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>
/// One all-or-nothing batch of policies (a multi-document NetworkPolicy import), keyed by a fresh batch id.
/// The caller stages the policies in chunks (so no message grows with the batch), then commits: the grain
/// validates the whole batch, persists it as one record and only then acknowledges. From there on the batch
/// rolls forward: it is applied to the policy index (in one step), fanned out to the nodes once, and written
/// to every policy grain; a batch interrupted by a deactivation or a dead silo resumes on its next
/// activation or by its reminder.
/// </summary>
[Alias("microseg.IPolicyBatchGrain")]
public interface IPolicyBatchGrain : IGrainWithStringKey
{
    /// <summary>Most policies one call carries (a staged chunk, a chunk the index reads back).</summary>
    public const int ChunkSize = 1000;

    /// <summary>
    /// Holds chunk <paramref name="chunk"/> (0-based, at most <see cref="ChunkSize"/> policies) of a batch that
    /// is not committed yet. Nothing is durable before <see cref="CommitAsync"/>; staging the same chunk again
    /// replaces it.
    /// </summary>
    Task StageAsync(int chunk, IReadOnlyList<PolicySpec> policies);

    /// <summary>
    /// Validates the staged chunks 0..<paramref name="chunkCount"/>-1 as one batch, persists them as one record,
    /// and starts applying them. Throws <see cref="Validation.SpecValidationException"/> (fields named
    /// <c>documents[i]...</c>, by position in the batch) and changes nothing when any policy is invalid. Returns
    /// the batch's status once it is durable; false in <see cref="PolicyBatchStatus.Staged"/> means staged chunks
    /// were lost (the activation moved): stage the batch again. Committing a committed batch only returns its status.
    /// </summary>
    Task<PolicyBatchStatus> CommitAsync(int chunkCount);

    /// <summary>Where the batch is; also activates it, which resumes a batch that was interrupted.</summary>
    [AlwaysInterleave]
    Task<PolicyBatchStatus> GetStatusAsync();

    /// <summary>
    /// Chunk <paramref name="chunk"/> of a committed batch, for the policy index that applies it. Interleaves
    /// because the index reads it while the batch waits for the index; it only reads immutable data.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<PolicySpec>> GetChunkAsync(int chunk);
}
