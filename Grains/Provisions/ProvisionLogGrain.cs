using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Provisions;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Provisions;

/// <summary>Persisted state of the provision log: every version, oldest first.</summary>
[GenerateSerializer, Alias("microseg.state.ProvisionLogState")]
internal sealed class ProvisionLogState
{
    [Id(0)]
    public List<ProvisionVersion> Versions { get; set; } = [];
}

/// <summary>
/// Provisions versions one at a time (a grain turn each, so versions never interleave). A version is persisted
/// with every policy's previous state before anything is applied, then applied as one policy batch: the index,
/// and so every node, switches from none of it to all of it in one step. A policy the version removes is first
/// turned into a draft in that same batch (no longer enforced, in the same step), then deleted. A version found
/// unapplied on activation (the silo died mid-way) is applied again; each step is idempotent.
/// </summary>
internal sealed partial class ProvisionLogGrain(
    [PersistentState("provisions")] IPersistentState<ProvisionLogState> state,
    TimeProvider time,
    ILogger<ProvisionLogGrain> logger) : Grain, IProvisionLogGrain
{
    /// <summary>How long a provision waits for its batch to be applied before it fails (it still completes later).</summary>
    private static readonly TimeSpan ApplyWait = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var version in state.State.Versions.Where(v => !v.Applied).ToList())
        {
            LogResuming(version.Version);
            await ApplyAsync(version);
        }
    }

    public async Task<ProvisionVersion> ProvisionAsync(IReadOnlyList<PolicySpec> policies, string by, string source)
    {
        var errors = new List<ValidationError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policies.Count; i++)
        {
            errors.AddRange(PolicyValidator.Validate(policies[i]).Select(e => e with { Field = $"policies[{i}].{e.Field}" }));
            if (!seen.Add(policies[i].Id))
                errors.Add(new ValidationError($"policies[{i}].id", $"policy '{policies[i].Id}' appears twice."));
        }
        if (policies.Count == 0)
            errors.Add(new ValidationError("policies", "nothing to provision: give at least one policy."));
        SpecValidationException.ThrowIfAny(errors);
        var targets = policies.Select(p => (p.Id, (PolicySpec?)(p with { Draft = false }))).ToList();
        return await RecordAndApplyAsync(targets, by, source);
    }

    public async Task<ProvisionVersion?> RevertAsync(long version, string by)
    {
        var from = state.State.Versions.FindIndex(v => v.Version == version);
        if (from < 0)
            return null;
        // The state each policy had before the first of these versions touched it.
        var targets = new Dictionary<string, PolicySpec?>(StringComparer.Ordinal);
        foreach (var change in state.State.Versions.Skip(from).SelectMany(v => v.Changes))
            targets.TryAdd(change.PolicyId, change.Before);
        return await RecordAndApplyAsync(targets.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value)).ToList(), by, $"revert/{version}");
    }

    public Task<IReadOnlyList<ProvisionVersion>> ListAsync() => Task.FromResult<IReadOnlyList<ProvisionVersion>>(state.State.Versions.ToList());

    private async Task<ProvisionVersion> RecordAndApplyAsync(IReadOnlyList<(string Id, PolicySpec? After)> targets, string by, string source)
    {
        var befores = await Task.WhenAll(targets.Select(t => GrainFactory.GetGrain<IPolicyGrain>(t.Id).GetAsync()));
        var changes = targets.Zip(befores, (t, before) => new ProvisionedChange(t.Id, before, t.After))
            .Where(c => c.Before is not null || c.After is not null)
            .ToList();
        var next = (state.State.Versions.Count == 0 ? 0 : state.State.Versions[^1].Version) + 1;
        var version = new ProvisionVersion(next, time.GetUtcNow(), by, source, changes, Applied: false);
        state.State.Versions.Add(version);
        await state.WriteStateAsync();
        LogRecorded(version.Version, source, by, changes.Count);
        return await ApplyAsync(version);
    }

    private async Task<ProvisionVersion> ApplyAsync(ProvisionVersion version)
    {
        // Removed policies become drafts in the same batch: enforcement changes for all of the version at once.
        var batchPolicies = version.Changes
            .Select(c => c.After ?? c.Before! with { Draft = true })
            .ToList();
        if (batchPolicies.Count > 0)
            await ApplyBatchAsync($"provision-{version.Version}", batchPolicies);
        foreach (var removed in version.Changes.Where(c => c.After is null))
            await GrainFactory.GetGrain<IPolicyGrain>(removed.PolicyId).DeleteAsync();

        var applied = version with { Applied = true };
        var at = state.State.Versions.FindIndex(v => v.Version == version.Version);
        state.State.Versions[at] = applied;
        await state.WriteStateAsync();
        LogApplied(version.Version);
        return applied;
    }

    /// <summary>Stages and commits the batch under a key of this version (committing twice only reads its status), then waits until applied.</summary>
    private async Task ApplyBatchAsync(string key, IReadOnlyList<PolicySpec> policies)
    {
        var batch = GrainFactory.GetGrain<IPolicyBatchGrain>(key);
        if ((await batch.GetStatusAsync()).Phase == PolicyBatchPhase.None)
        {
            var chunks = policies.Chunk(IPolicyBatchGrain.ChunkSize).ToList();
            for (var i = 0; i < chunks.Count; i++)
                await batch.StageAsync(i, chunks[i]);
            var status = await batch.CommitAsync(chunks.Count);
            if (!status.Staged)
                throw new SiloUnavailableException($"policy batch {key} lost its staged chunks; the version is applied again when the provision log activates next.");
        }
        var deadline = time.GetUtcNow() + ApplyWait;
        while ((await batch.GetStatusAsync()).Phase != PolicyBatchPhase.Applied)
        {
            if (time.GetUtcNow() > deadline)
                throw new TimeoutException($"policy batch {key} was not applied within {ApplyWait}; it completes on its own.");
            await Task.Delay(PollInterval, time);
        }
    }
}
