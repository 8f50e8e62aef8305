namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>State of <see cref="StateGrain"/>.</summary>
public sealed class CounterState
{
    public int Value { get; set; }

    public List<string> History { get; set; } = [];
}

/// <summary>A grain with persistent state.</summary>
public interface IStateGrain : IGrainWithStringKey
{
    /// <summary>Adds and writes.</summary>
    Task<int> AddAsync(int amount);

    /// <summary>The value.</summary>
    Task<int> GetAsync();

    /// <summary>Deactivates after this call.</summary>
    Task DeactivateAsync();

    /// <summary>Writes through two state objects on one record; the second write is stale.</summary>
    Task ConflictAsync();

    /// <summary>Clears the state.</summary>
    Task ClearAsync();
}

public sealed class StateGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    [PersistentState("counter")] IPersistentState<CounterState> sameRecord) : Grain, IStateGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Probe.Increment($"state-activate:{GetPrimaryKeyString()}");
        Probe.Enter($"state-live:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.Increment($"state-deactivate:{GetPrimaryKeyString()}:{reason.ReasonCode}");
        Probe.Exit($"state-live:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public async Task<int> AddAsync(int amount)
    {
        state.State.Value += amount;
        state.State.History.Add($"+{amount}");
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task ConflictAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        sameRecord.State.Value = -1;
        await sameRecord.WriteStateAsync();
    }

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        await sameRecord.ReadStateAsync();
    }
}
