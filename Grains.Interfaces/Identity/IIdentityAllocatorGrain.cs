using MicroSeg.Runtime;

namespace MicroSeg.Grains.Interfaces.Identity;

/// <summary>
/// Gives each distinct label set a numeric security identity, stable across restarts
/// (key <see cref="GrainKeys.Cluster"/>). The data plane matches policy on these numbers.
/// </summary>
public interface IIdentityAllocatorGrain : IGrainWithStringKey
{
    /// <summary>Returns the identity of the label set, allocating and persisting a new one the first time.</summary>
    Task<uint> GetOrAllocateAsync(IReadOnlyDictionary<string, string> labels);
}

/// <summary>Reserved identities shared with the data plane (Bpf/include/microseg.h).</summary>
public static class ReservedIdentities
{
    /// <summary>No identity; in a policy key it means any peer.</summary>
    public const uint Any = 0;

    /// <summary>The host itself.</summary>
    public const uint Host = 1;

    /// <summary>An address that is neither a workload nor inside a known block.</summary>
    public const uint World = 2;

    /// <summary>First identity handed out for label sets.</summary>
    public const uint FirstLabelIdentity = 256;

    /// <summary>First node-local identity for address blocks (CIDR peers); high byte 0x01 as Cilium's local scope.</summary>
    public const uint FirstCidrIdentity = 0x0100_0000;
}
