using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>One workload, keyed by its id. The source of truth for its spec.</summary>
[Alias("microseg.IWorkloadGrain")]
public interface IWorkloadGrain : IGrainWithStringKey
{
    /// <summary>Returns the workload, or null when it does not exist.</summary>
    Task<WorkloadRecord?> GetAsync();

    /// <summary>Creates the workload; returns null (and changes nothing) when it already exists.</summary>
    Task<WorkloadRecord?> CreateAsync(WorkloadSpec spec);

    /// <summary>
    /// Creates or replaces the workload, persists it, and recomputes the affected nodes. Throws
    /// <see cref="Addresses.AddressInUseException"/>, changing nothing, when another workload holds one of its addresses.
    /// </summary>
    Task<WorkloadRecord> SetAsync(WorkloadSpec spec);

    /// <summary>
    /// True when the workload's persisted record, or the one a write in progress replaces, lists the address
    /// (a claim key, <see cref="Addresses.AddressKeys.Of"/>). Interleaves: another workload's write asks it
    /// while this one may itself be writing, and the answer must not wait for that.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> HoldsAddressAsync(string addressKey);

    /// <summary>Removes the workload; false when it did not exist.</summary>
    Task<bool> DeleteAsync();
}
