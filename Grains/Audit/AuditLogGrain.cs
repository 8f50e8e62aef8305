using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Audit;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace MicroSeg.Grains.Audit;

/// <summary>Persisted state of one second of the audit log.</summary>
[GenerateSerializer, Alias("microseg.state.AuditLogState")]
internal sealed class AuditLogState
{
    [Id(0)]
    public List<AuditEntry> Entries { get; set; } = [];
}

/// <summary>
/// One second of the audit log. Reentrant so that a burst of changes shares storage writes instead of queueing
/// one write per change; appends touch the list only within a turn. The first append registers the second
/// with its minute's index before anything is stored, so a reader never misses a stored entry.
/// </summary>
[Reentrant]
internal sealed class AuditLogGrain : Grain, IAuditLogGrain
{
    private readonly IPersistentState<AuditLogState> _state;
    private readonly CoalescedStateWriter<AuditLogState> _writer;
    private Task? _registered;

    public AuditLogGrain([PersistentState("audit")] IPersistentState<AuditLogState> state)
    {
        _state = state;
        _writer = new CoalescedStateWriter<AuditLogState>(state);
    }

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries)
    {
        var second = this.GetPrimaryKeyString();
        var registration = _registered ??= GrainFactory.GetGrain<IAuditMinuteGrain>(AuditKeys.MinuteOf(second)).AddSecondAsync(second);
        try
        {
            await registration;
        }
        catch
        {
            // The next append tries again; a failed registration must not fail every later one.
            _registered = null;
            throw;
        }
        _state.State.Entries.AddRange(entries);
        await _writer.WriteAsync();
    }

    public Task<IReadOnlyList<AuditEntry>> GetAsync() => Task.FromResult<IReadOnlyList<AuditEntry>>(_state.State.Entries.ToList());
}
