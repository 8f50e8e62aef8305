using Orleans;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>A registered workload with what the cluster derived from it.</summary>
/// <param name="Spec">The workload as the user registered it.</param>
/// <param name="Identity">Numeric security identity of its label set.</param>
[GenerateSerializer, Immutable, Alias("microseg.WorkloadRecord")]
public sealed record WorkloadRecord(WorkloadSpec Spec, uint Identity);
