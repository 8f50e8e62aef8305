using Orleans;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Provisions;

/// <summary>
/// The cluster's provisioned versions (key <see cref="GrainKeys.Cluster"/>): each provision or revert makes a set
/// of policies active as one new version, persisted before it is applied.
/// </summary>
[Alias("microseg.IProvisionLogGrain")]
public interface IProvisionLogGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes <paramref name="policies"/> active (each with <c>draft</c> off) as one new version: records the version
    /// with each policy's previous state, persists it, then applies it (enforcement switches in one step).
    /// Throws <see cref="Validation.SpecValidationException"/> and changes nothing when a policy is invalid.
    /// </summary>
    Task<ProvisionVersion> ProvisionAsync(IReadOnlyList<PolicySpec> policies, string by, string source);

    /// <summary>
    /// Restores every policy that version <paramref name="version"/> or a later one changed to its state before
    /// <paramref name="version"/>, as one new version. Null when no such version exists.
    /// </summary>
    Task<ProvisionVersion?> RevertAsync(long version, string by);

    /// <summary>Every version, oldest first.</summary>
    Task<IReadOnlyList<ProvisionVersion>> ListAsync();
}
