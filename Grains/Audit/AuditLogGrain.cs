using MicroSeg.Grains.Common;
using MicroSeg.Grains.Interfaces.Audit;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace MicroSeg.Grains.Audit;

/// <summary>Persisted state of one minute of the audit log.</summary>
[GenerateSerializer, Alias("microseg.state.AuditLogState")]
internal sealed class AuditLogState
{
    [Id(0)]
    public List<AuditEntry> Entries { get; set; } = [];
}

/// <summary>
/// One minute of the audit log. Reentrant so that a burst of changes (a bulk registration) shares storage
/// writes instead of queueing one write per change; appends touch the list only within a turn.
/// </summary>
[Reentrant]
internal sealed class AuditLogGrain : Grain, IAuditLogGrain
{
    private readonly IPersistentState<AuditLogState> _state;
    private readonly CoalescedStateWriter<AuditLogState> _writer;

    public AuditLogGrain([PersistentState("audit")] IPersistentState<AuditLogState> state)
    {
        _state = state;
        _writer = new CoalescedStateWriter<AuditLogState>(state);
    }

    public Task AppendAsync(IReadOnlyList<AuditEntry> entries)
    {
        _state.State.Entries.AddRange(entries);
        return _writer.WriteAsync();
    }

    public Task<IReadOnlyList<AuditEntry>> GetAsync() => Task.FromResult<IReadOnlyList<AuditEntry>>(_state.State.Entries.ToList());
}
