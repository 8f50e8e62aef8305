using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Settings;

/// <summary>
/// Cluster-wide enforcement modes, as Illumio sets them per label group: a workload's own mode wins;
/// otherwise the first label group whose selector matches it; otherwise the cluster default.
/// </summary>
[GenerateSerializer, Immutable, Alias("microseg.EnforcementSettings")]
public sealed record EnforcementSettings
{
    /// <summary>Mode of workloads that neither set one nor match a label group. Protect unless changed.</summary>
    [Id(0)]
    public EnforcementMode DefaultMode { get; init; } = EnforcementMode.Protect;

    /// <summary>Label groups with their mode, first match wins.</summary>
    [Id(1)]
    public IReadOnlyList<LabelGroupMode> LabelGroups { get; init; } = [];
}

/// <summary>A label group (selector, optionally within one namespace) and its mode.</summary>
[GenerateSerializer, Immutable, Alias("microseg.LabelGroupMode")]
public sealed record LabelGroupMode
{
    /// <summary>Workloads of the group.</summary>
    [Id(0)]
    public LabelSelector Selector { get; init; } = new();

    /// <summary>When set, only workloads of this namespace.</summary>
    [Id(1)]
    public string? Namespace { get; init; }

    /// <summary>The group's mode.</summary>
    [Id(2)]
    public EnforcementMode Mode { get; init; }
}

/// <summary>Holds the enforcement settings (key <see cref="GrainKeys.Cluster"/>); a change recomputes every node.</summary>
[Alias("microseg.IEnforcementSettingsGrain")]
public interface IEnforcementSettingsGrain : IGrainWithStringKey
{
    /// <summary>The current settings.</summary>
    [AlwaysInterleave]
    Task<EnforcementSettings> GetAsync();

    /// <summary>Replaces the settings.</summary>
    Task SetAsync(EnforcementSettings settings);
}
