using Orleans;
using System.Text.Json.Serialization;

namespace MicroSeg.Grains.Interfaces.Workloads;

/// <summary>How a workload's policy is applied (Illumio's visibility-only versus enforced).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EnforcementMode>))]
[GenerateSerializer, Alias("microseg.EnforcementMode")]
public enum EnforcementMode
{
    /// <summary>Traffic the policy forbids is dropped. The default: a workload is never open by accident.</summary>
    [JsonStringEnumMemberName("protect")]
    Protect = 0,

    /// <summary>Nothing is dropped; traffic that protect mode would drop is reported as "would deny".</summary>
    [JsonStringEnumMemberName("monitor")]
    Monitor = 1,
}
