using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>The audit entries of one slot, a tenth of a UTC second (key <see cref="AuditKeys.Slot"/>), stored durably, in order of arrival.</summary>
[Alias("microseg.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Appends the entries of one request; completes once they are stored.</summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries);

    /// <summary>Every entry of the slot.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<AuditEntry>> GetAsync();
}
