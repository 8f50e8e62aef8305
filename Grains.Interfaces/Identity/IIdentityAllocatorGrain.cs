using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Identity;

/// <summary>
/// Gives each distinct label set a numeric security identity, stable across restarts
/// (key <see cref="GrainKeys.Cluster"/>). The data plane matches policy on these numbers. An identity
/// lives while some workload holds it and is released with its last holder; numbers are never reused.
/// </summary>
[Alias("microseg.IIdentityAllocatorGrain")]
public interface IIdentityAllocatorGrain : IGrainWithStringKey
{
    /// <summary>Returns the identity of the label set for <paramref name="holder"/>, allocating and persisting a new one the first time.</summary>
    Task<uint> AcquireAsync(IReadOnlyDictionary<string, string> labels, string holder);

    /// <summary>
    /// The first half of <see cref="AcquireAsync"/>: the identity (allocated and persisted the first time) with the hold
    /// counted but not yet stored. The caller stores it with <see cref="PersistHoldAsync"/>, beside its own write of
    /// the number: numbers are never reused, so a record that names a number whose hold was lost in a crash still
    /// means its label set.
    /// </summary>
    Task<uint> ReserveAsync(IReadOnlyDictionary<string, string> labels, string holder);

    /// <summary>
    /// Stores <paramref name="holder"/>'s hold reserved by <see cref="ReserveAsync"/>. Returns the identity held: the
    /// reserved one, or, when the reservation was lost (this grain restarted in between), whatever
    /// <see cref="AcquireAsync"/> gives now.
    /// </summary>
    Task<uint> PersistHoldAsync(IReadOnlyDictionary<string, string> labels, string holder);

    /// <summary>Drops <paramref name="holder"/>'s hold on the label set's identity; the identity is released when no holder is left.</summary>
    Task ReleaseAsync(IReadOnlyDictionary<string, string> labels, string holder);

    /// <summary>Every identity in use, ordered by number.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<IdentityInfo>> GetAllAsync();

    /// <summary>
    /// Whether any identity is in use. None means that no workload is stored or indexed: a workload's hold is stored
    /// before the workload is indexed and given up only after it left the index. A store that was never written to
    /// answers false, so its tables need not be read.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> AnyInUseAsync();
}

/// <summary>An identity in use.</summary>
/// <param name="Identity">The number.</param>
/// <param name="Labels">The label set it stands for.</param>
/// <param name="Holders">Workloads holding it.</param>
[GenerateSerializer, Immutable, Alias("microseg.IdentityInfo")]
public sealed record IdentityInfo(uint Identity, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Holders);

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
