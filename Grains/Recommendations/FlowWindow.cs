using MicroSeg.Grains.Interfaces.Flows;
using Orleans;

namespace MicroSeg.Grains.Recommendations;

/// <summary>The flow records of a time window, read page by page from history, newest first.</summary>
internal static class FlowWindow
{
    /// <summary>Reads at most <paramref name="max"/> records; <c>Truncated</c> is true when more were left.</summary>
    public static async Task<(IReadOnlyList<FlowRecord> Flows, bool Truncated)> ReadAsync(
        IGrainFactory grains, string? ns, DateTimeOffset? since, DateTimeOffset? until, int max)
    {
        var history = grains.GetGrain<IFlowHistoryGrain>(0);
        var flows = new List<FlowRecord>();
        long? before = null;
        while (true)
        {
            var page = await history.QueryAsync(new FlowQuery(Namespace: ns, Since: since, Until: until, Limit: FlowQuery.MaxLimit, Before: before));
            foreach (var record in page.Items)
            {
                if (flows.Count == max)
                    return (flows, true);
                flows.Add(record);
            }
            if (page.Next is null)
                return (flows, false);
            before = page.Next;
        }
    }
}
