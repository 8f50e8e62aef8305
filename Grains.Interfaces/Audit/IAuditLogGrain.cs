using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>The audit entries of one UTC hour (key <see cref="AuditKeys.Hour"/>), stored durably, in order of arrival.</summary>
[Alias("microseg.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Appends an entry; completes once it is stored.</summary>
    Task AppendAsync(AuditEntry entry);

    /// <summary>Every entry of the hour.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<AuditEntry>> GetAsync();
}
