using Orleans;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>One workload, keyed by its id. The source of truth for its spec.</summary>
[Alias("microseg.IWorkloadGrain")]
public interface IWorkloadGrain : IGrainWithStringKey
{
    /// <summary>Returns the workload, or null when it does not exist.</summary>
    Task<WorkloadRecord?> GetAsync();

    /// <summary>Creates the workload; returns null (and changes nothing) when it already exists.</summary>
    Task<WorkloadRecord?> CreateAsync(WorkloadSpec spec);

    /// <summary>Creates or replaces the workload, persists it, and recomputes the affected nodes.</summary>
    Task<WorkloadRecord> SetAsync(WorkloadSpec spec);

    /// <summary>Removes the workload; false when it did not exist.</summary>
    Task<bool> DeleteAsync();
}
