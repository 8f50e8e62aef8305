using MicroSeg.Grains.Interfaces.Addresses;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Addresses;

/// <summary>Persisted state of one address claim.</summary>
[GenerateSerializer, Alias("microseg.state.AddressClaimState")]
internal sealed class AddressClaimState
{
    [Id(0)]
    public string? Holder { get; set; }

    [Id(1)]
    public long Generation { get; set; }

    [Id(2)]
    public DateTimeOffset ClaimedAt { get; set; }
}

/// <summary>
/// Who holds one address. Not reentrant: claims on one address run one at a time, which is what makes two
/// concurrent PUTs of the same address end with one holder. Every change is persisted before it is answered.
/// </summary>
/// <remarks>
/// The activation ends once no call has come for <see cref="IdleFor"/>: a claim is needed only while calls on the
/// address are in flight, and the next call reads what was persisted. Left to the collector, one activation per
/// workload address lingered for the collection age (≈ 2 kB each, 100 MB at 50,000 workloads) and every collection
/// walked them. Not on each call's end: concurrent claims queued behind it would be forwarded once per call, and
/// Orleans refuses a message forwarded more than twice. The timer counts from the end of the last call (this grain's
/// own call filter stamps it), so a slow storage write never has queued calls forwarded when it finishes.
/// </remarks>
internal sealed class AddressClaimGrain(
    [PersistentState("address-claim")] IPersistentState<AddressClaimState> state, TimeProvider time) : Grain, IAddressClaimGrain, IIncomingGrainCallFilter
{
    internal static readonly TimeSpan IdleFor = TimeSpan.FromSeconds(2);

    private IGrainTimer? _idle;
    // When the last call ended (TimeProvider timestamp). Its start needs no stamp: the tick never runs during a call.
    private long _lastCallEnd;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            // The timer's own ticks pass through here too; only the grain's calls count.
            if (context.InterfaceMethod?.DeclaringType == typeof(IAddressClaimGrain))
            {
                _lastCallEnd = time.GetTimestamp();
                _idle ??= this.RegisterGrainTimer(EndIfIdleAsync, new GrainTimerCreationOptions(IdleFor, Timeout.InfiniteTimeSpan) { KeepAlive = false });
            }
        }
    }

    private Task EndIfIdleAsync()
    {
        var idle = time.GetElapsedTime(_lastCallEnd);
        if (idle < IdleFor)
            _idle!.Change(IdleFor - idle, Timeout.InfiniteTimeSpan);
        else
            this.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<AddressClaim> ClaimAsync(string workloadId)
    {
        // A holder's repeated claim renews it, so that it cannot look stale while the holder's record is being
        // written, and moves its generation even when the claim is young: the holder may have dropped the address
        // and sent a release that is still in flight, which must not free the address it now lists again. Only
        // addresses a workload's stored record does not list yet are claimed, so this is no write per PUT.
        if (state.State.Holder is null || state.State.Holder == workloadId)
            await SetHolderAsync(workloadId);
        return Current;
    }

    public async Task<AddressClaim> TakeOverAsync(string workloadId, AddressClaim stale)
    {
        if (state.State.Holder == stale.Holder && state.State.Generation == stale.Generation)
            await SetHolderAsync(workloadId);
        return Current;
    }

    public async Task ReleaseAsync(string workloadId, long generation)
    {
        if (state.State.Holder != workloadId || state.State.Generation != generation)
            return;
        state.State.Holder = null;
        state.State.Generation++;
        await state.WriteStateAsync();
    }

    public Task<AddressClaim> GetAsync()
    {
        // A read of a free address must not leave an activation behind, not even for a moment.
        if (state.State.Holder is null)
            this.DeactivateOnIdle();
        return Task.FromResult(Current);
    }

    private AddressClaim Current => new(this.GetPrimaryKeyString(), state.State.Holder, state.State.Generation, state.State.ClaimedAt);

    private async Task SetHolderAsync(string workloadId)
    {
        var before = (state.State.Holder, state.State.Generation, state.State.ClaimedAt);
        state.State.Holder = workloadId;
        state.State.Generation++;
        state.State.ClaimedAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Storage refused: answer what is persisted, never a claim the caller was told failed.
            (state.State.Holder, state.State.Generation, state.State.ClaimedAt) = before;
            throw;
        }
    }
}
