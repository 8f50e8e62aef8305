using MicroSeg.Grains.Interfaces.Audit;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Audit;

/// <summary>Persisted state of one minute's index of audit slots.</summary>
[GenerateSerializer, Alias("microseg.state.AuditMinuteState")]
internal sealed class AuditMinuteState
{
    [Id(0)]
    public SortedSet<string> Seconds { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Lists the slots of one minute that hold audit entries (at most 600, so its state stays small).</summary>
internal sealed class AuditMinuteGrain(
    [PersistentState("auditminute")] IPersistentState<AuditMinuteState> state) : Grain, IAuditMinuteGrain
{
    public async Task AddSecondAsync(string slot)
    {
        if (state.State.Seconds.Add(slot))
            await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> GetSecondsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Seconds.ToList());
}
