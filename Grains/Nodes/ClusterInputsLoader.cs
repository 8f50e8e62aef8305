using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;
using Orleans;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// Reads <see cref="ClusterInputs"/> for the node and fan-out grains of one silo and builds their shared
/// rule model, once per burst of changes rather than once per change: every workload write makes a new
/// index version, and re-deriving the model of a 50,000-workload cluster per write would make each write
/// cost the whole cluster. A silo-wide singleton (<see cref="GrainsSiloBuilderExtensions.AddMicroSegGrains"/>).
/// </summary>
internal sealed class ClusterInputsLoader
{
    private readonly IGrainFactory _grains;
    private readonly CoalescedLoad<ClusterInputs> _fresh;
    private readonly SiloSnapshotCache<WorkloadRecord> _workloads = new();
    private readonly SiloSnapshotCache<PolicySpec> _policies = new();
    private readonly SiloSnapshotCache<NamespaceSpec> _namespaces = new();
    private volatile ClusterInputs? _latest;

    public ClusterInputsLoader(IGrainFactory grains)
    {
        _grains = grains;
        _fresh = new CoalescedLoad<ClusterInputs>(ReadAsync);
    }

    /// <summary>Inputs read after this call (read-your-writes for anyone whose change returned before it).</summary>
    public Task<ClusterInputs> LoadAsync() => _fresh.GetAsync();

    /// <summary>
    /// Inputs whose workloads include the change that produced <paramref name="workloadVersion"/>: the newest
    /// inputs this silo already holds when they are that new, a fresh read otherwise. A fan-out needs no more:
    /// the changes after it carry their own events.
    /// </summary>
    public Task<ClusterInputs> LoadIncludingAsync(string? workloadVersion) =>
        workloadVersion is null ? LoadAsync() : LoadIncludingAsync(i => IndexVersions.Includes(i.WorkloadsVersion, workloadVersion));

    /// <summary>
    /// Inputs that include every change up to each of <paramref name="bases"/>: the node grains a fan-out told
    /// share the snapshot it read (or the one being read), instead of each queueing for a read of its own.
    /// </summary>
    public Task<ClusterInputs> LoadIncludingAsync(IReadOnlyCollection<ClusterInputVersions> bases) =>
        bases.Count == 0 ? LoadAsync() : LoadIncludingAsync(i => bases.All(i.Includes));

    private Task<ClusterInputs> LoadIncludingAsync(Func<ClusterInputs, bool> suffices) =>
        _latest is { } latest && suffices(latest) ? Task.FromResult(latest) : _fresh.GetIncludingAsync(suffices);

    private async Task<ClusterInputs> ReadAsync()
    {
        var workloadIndex = _grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster);
        var policyIndex = _grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster);
        var namespaceIndex = _grains.GetGrain<INamespaceIndexGrain>(GrainKeys.Cluster);
        // Versions are small and asked every time; contents move only when this silo does not hold that version.
        var workloadVersion = workloadIndex.GetVersionAsync();
        var policyVersion = policyIndex.GetVersionAsync();
        var namespaceVersion = namespaceIndex.GetVersionAsync();
        var settings = _grains.GetGrain<IEnforcementSettingsGrain>(GrainKeys.Cluster).GetAsync();
        await Task.WhenAll(workloadVersion, policyVersion, namespaceVersion, settings);

        var workloads = _workloads.GetAsync(await workloadVersion, workloadIndex.GetSnapshotAsync);
        var policies = _policies.GetAsync(await policyVersion, policyIndex.GetSnapshotAsync);
        var namespaces = _namespaces.GetAsync(await namespaceVersion, namespaceIndex.GetSnapshotAsync);
        await Task.WhenAll(workloads, policies, namespaces);
        var inputs = new ClusterInputs(
            (await workloads).Items, (await workloads).Version, (await policies).Items, (await policies).Version,
            (await namespaces).Items, (await namespaces).Version, await settings)
        {
            // Built here, once per read and off any grain's turn, from the previous read's model: every node
            // grain of the burst uses it, and a write costs what it changed rather than the whole cluster.
            Model = ClusterRuleModel.Next(_latest?.Model, (await workloads).Items, (await policies).Items, (await namespaces).Items),
        };
        _latest = inputs;
        return inputs;
    }
}
