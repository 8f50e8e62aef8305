using Orleans;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Provisions;

/// <summary>One provisioned version: a set of policy changes made active together.</summary>
/// <param name="Version">1, 2, ...: grows with every provision and revert.</param>
/// <param name="At">When it was provisioned.</param>
/// <param name="By">Who provisioned it.</param>
/// <param name="Source">What it came from: <c>recommendation/&lt;id&gt;</c> or <c>revert/&lt;version&gt;</c>.</param>
/// <param name="Changes">Each policy it changed, before and after.</param>
/// <param name="Applied">True once every change is written; a version found unapplied after a crash is applied again.</param>
[GenerateSerializer, Immutable, Alias("microseg.ProvisionVersion")]
public sealed record ProvisionVersion(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string By,
    [property: Id(3)] string Source,
    [property: Id(4)] IReadOnlyList<ProvisionedChange> Changes,
    [property: Id(5)] bool Applied);

/// <summary>One policy's change in a version.</summary>
/// <param name="PolicyId">The policy.</param>
/// <param name="Before">The policy before (null: it did not exist).</param>
/// <param name="After">The policy after (null: removed).</param>
[GenerateSerializer, Immutable, Alias("microseg.ProvisionedChange")]
public sealed record ProvisionedChange(
    [property: Id(0)] string PolicyId,
    [property: Id(1)] PolicySpec? Before,
    [property: Id(2)] PolicySpec? After)
{
    /// <summary>"added", "changed" or "removed".</summary>
    public string Kind => Before is null ? "added" : After is null ? "removed" : "changed";
}
