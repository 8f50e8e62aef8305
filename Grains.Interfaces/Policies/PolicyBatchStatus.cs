using Orleans;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>How far a policy batch got. The order is the batch's life: a phase never goes back.</summary>
[GenerateSerializer, Alias("microseg.PolicyBatchPhase")]
public enum PolicyBatchPhase
{
    /// <summary>Nothing is durable: the batch is being staged, or does not exist.</summary>
    None = 0,

    /// <summary>Validated and persisted; being applied (or waiting to resume after an interruption).</summary>
    Accepted = 1,

    /// <summary>Every policy is in the index and in its policy grain; the nodes were told to recompute.</summary>
    Applied = 2,
}

/// <summary>The state of a policy batch.</summary>
/// <param name="Phase">How far the batch got.</param>
/// <param name="Policies">How many policies the batch holds (0 before it is committed).</param>
/// <param name="Staged">Before a commit: whether every chunk the commit named was staged.</param>
[GenerateSerializer, Immutable, Alias("microseg.PolicyBatchStatus")]
public sealed record PolicyBatchStatus(PolicyBatchPhase Phase, int Policies, bool Staged = true);
