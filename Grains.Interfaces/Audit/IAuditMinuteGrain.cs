using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>The seconds of one UTC minute (key "yyyy-MM-ddTHH:mm") whose audit grains hold entries.</summary>
[Alias("microseg.IAuditMinuteGrain")]
public interface IAuditMinuteGrain : IGrainWithStringKey
{
    /// <summary>Records that the second's grain holds entries; idempotent; completes once stored.</summary>
    Task AddSecondAsync(string second);

    /// <summary>The seconds with entries, in order.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetSecondsAsync();
}
