using MicroSeg.Grains.Addresses;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Nodes;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Grains.Workloads;

/// <summary>Persisted state of a workload grain.</summary>
[GenerateSerializer, Alias("microseg.state.WorkloadState")]
internal sealed class WorkloadState
{
    [Id(0)]
    public WorkloadRecord? Workload { get; set; }
}

/// <summary>The source of truth for one workload: validates, persists, allocates its identity, and fans the change out to nodes.</summary>
internal sealed partial class WorkloadGrain(
    [PersistentState("workload")] IPersistentState<WorkloadState> state, TimeProvider time, ILogger<WorkloadGrain> logger) : Grain, IWorkloadGrain
{
    /// <summary>The record a write in progress replaces: until that write is persisted, its addresses are still held.</summary>
    private WorkloadRecord? _replacing;

    /// <summary>
    /// The records of writes that failed, which storage may hold all the same (a failure reported after the commit):
    /// until a later write is stored, their addresses count as held when a takeover asks. Several, since a second
    /// failed write does not tell whether the first one was stored.
    /// </summary>
    private readonly List<WorkloadRecord> _mayBeStored = [];

    /// <summary>When this activation last found every claim its persisted record lists held by it; null before the first check.</summary>
    private DateTimeOffset? _claimsCheckedAt;

    public Task<WorkloadRecord?> GetAsync()
    {
        // A read of an id that does not exist must not leave an activation behind: random GETs
        // would otherwise hold memory until the idle collector runs (minutes).
        if (state.State.Workload is null)
            this.DeactivateOnIdle();
        return Task.FromResult(state.State.Workload);
    }

    public async Task<WorkloadRecord?> CreateAsync(WorkloadSpec spec)
    {
        if (state.State.Workload is not null)
            return null;
        return await SetAsync(spec);
    }

    public async Task<WorkloadRecord> SetAsync(WorkloadSpec spec)
    {
        spec = spec with { Id = this.GetPrimaryKeyString() };
        SpecValidationException.ThrowIfAny(WorkloadValidator.Validate(spec));

        var before = state.State.Workload;
        var previous = before?.Spec;
        // Addresses are claimed before anything is written: a refused address changes nothing.
        var held = WorkloadAddressClaims.KeysOf(previous);
        var now = time.GetUtcNow();
        var checkHeld = _claimsCheckedAt is not { } checkedAt || now - checkedAt >= WorkloadAddressClaims.RecheckPeriod;
        await WorkloadAddressClaims.ClaimAllAsync(GrainFactory, spec, held, checkHeld, time);
        // Every claim the next record lists is now known held: those of the previous one checked, the others just taken.
        if (checkHeld)
            _claimsCheckedAt = now;
        var allocator = GrainFactory.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster);
        WorkloadRecord record;
        // The record once storage has it: from then on a failure must not give up the addresses it lists.
        WorkloadRecord? stored = null;
        _replacing = before;
        try
        {
            // The hold is stored beside the record instead of before it: one storage commit less on the way to the
            // nodes. Both are stored before the change is published or answered.
            var labels = IdentityLabels.Of(spec);
            var identity = await allocator.ReserveAsync(labels, spec.Id);
            record = new WorkloadRecord(spec, identity);
            state.State.Workload = record;
            var holding = allocator.PersistHoldAsync(labels, spec.Id);
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Not stored: a hold stored anyway is an extra hold, released with the workload.
                await ((Task)holding).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                throw;
            }
            stored = record;
            _mayBeStored.Clear();
            if (await HeldAsync(holding, identity) is var holdIdentity && holdIdentity != identity)
            {
                // The allocator restarted between the two calls and gave the label set another number.
                record = new WorkloadRecord(spec, holdIdentity);
                state.State.Workload = record;
                await state.WriteStateAsync();
            }
        }
        catch
        {
            // Storage refused the write (e.g. the database is down): reads of this activation must go on
            // answering what is persisted, not the change the caller was told failed. The addresses just taken stay
            // claimed: a write can fail after its commit (a lost connection), and then the stored record lists them.
            // Released, they could be given to another workload while this record lists them; kept, they are
            // refused to others only until the settle period ends, when a takeover asks this workload, which then
            // counts the record it may have stored as its own (_mayBeStored) until a later write is stored.
            if (stored is null && !ReferenceEquals(state.State.Workload, before))
                _mayBeStored.Add(state.State.Workload!);
            state.State.Workload = stored ?? before;
            throw;
        }
        finally
        {
            _replacing = null;
        }
        var indexVersion = await GrainFactory.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).UpsertAsync(record);
        await GrainFactory.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).AddAsync(spec.Node);
        await PolicyStreams.PublishAsync(this, spec.Namespace, new PolicyChange(before, record, WorkloadIndexVersion: indexVersion));

        // What the old record held is given up only now that the new one is persisted, and after the change
        // is on its way to the nodes (releases are not on the path of enforcement). A crash in between
        // leaves an extra hold (harmless: claims ask the holder), never a workload whose identity was given up.
        held.ExceptWith(WorkloadAddressClaims.KeysOf(spec));
        await WorkloadAddressClaims.ReleaseAsync(GrainFactory, spec.Id, held);
        var oldLabels = previous is null ? null : IdentityLabels.Of(previous);
        if (oldLabels is not null && IdentityLabels.Key(oldLabels) != IdentityLabels.Key(IdentityLabels.Of(spec)))
            await allocator.ReleaseAsync(oldLabels, spec.Id);
        return record;
    }

    /// <summary>
    /// The identity the stored hold is on. The record is already stored: a hold that failed to store leaves a record
    /// whose number still means its labels (numbers are never reused), so the write stands and the failure is logged.
    /// </summary>
    private async Task<uint> HeldAsync(Task<uint> holding, uint reserved)
    {
        try
        {
            return await holding;
        }
        catch (Exception ex)
        {
            LogHoldNotStored(ex, this.GetPrimaryKeyString(), reserved);
            return reserved;
        }
    }

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Workload {Workload}: its hold on identity {Identity} was not stored; the record keeps the number")]
    private partial void LogHoldNotStored(Exception ex, string workload, uint identity);

    public Task<bool> HoldsAddressAsync(string addressKey) =>
        Task.FromResult(WorkloadAddressClaims.KeysOf(state.State.Workload?.Spec).Contains(addressKey)
            || WorkloadAddressClaims.KeysOf(_replacing?.Spec).Contains(addressKey)
            || _mayBeStored.Any(r => WorkloadAddressClaims.KeysOf(r.Spec).Contains(addressKey)));

    public async Task<bool> DeleteAsync()
    {
        if (state.State.Workload is not { } existing)
            return false;
        await state.ClearStateAsync();
        state.State = new WorkloadState();
        var indexVersion = await GrainFactory.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).RemoveAsync(existing.Spec.Id);
        await PolicyStreams.PublishAsync(this, existing.Spec.Namespace, new PolicyChange(existing, null, WorkloadIndexVersion: indexVersion));
        await GrainFactory.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).ReleaseAsync(IdentityLabels.Of(existing.Spec), existing.Spec.Id);
        await WorkloadAddressClaims.ReleaseAsync(GrainFactory, existing.Spec.Id, WorkloadAddressClaims.KeysOf(existing.Spec));
        this.DeactivateOnIdle();
        return true;
    }
}
