using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>
/// The slots of one UTC minute (key "yyyy-MM-ddTHH:mm") whose audit grains hold entries. The methods keep the names
/// they had when a slot was a whole second: a grain method's name is part of what silos of two versions exchange.
/// </summary>
[Alias("microseg.IAuditMinuteGrain")]
public interface IAuditMinuteGrain : IGrainWithStringKey
{
    /// <summary>Records that the slot's grain holds entries; idempotent; completes once stored.</summary>
    Task AddSecondAsync(string slot);

    /// <summary>The slots with entries, in order.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetSecondsAsync();
}
