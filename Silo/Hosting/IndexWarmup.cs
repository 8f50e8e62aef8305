using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Workloads;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Silo.Hosting;

/// <summary>
/// Activates the cluster's workload index as a silo starts, beside the start rather than in front of it. An index
/// that activates reads every shard of the store (4,096 of them, 1,024 more before its layout is recorded), and
/// otherwise the first request that needs it (the first PUT, an agent's first subscription) waits for that. On a
/// store that holds no workload the index reads nothing and only records its layout, so later activations skip the
/// first layout's shards too. Every silo asks; the index activates once in the cluster.
/// </summary>
internal sealed partial class IndexWarmup(IGrainFactory grains, ILogger<IndexWarmup> logger) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken)
    {
        _ = WarmAsync();
        return Task.CompletedTask;
    }

    private async Task WarmAsync()
    {
        try
        {
            await grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetVersionAsync();
        }
        catch (Exception ex)
        {
            // Nothing depends on it: the first request activates the index instead (storage down, silo stopping).
            LogWarmupFailed(ex.Message);
        }
    }

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Workload index not activated at start ({Error}); the first request will activate it")]
    private partial void LogWarmupFailed(string error);
}
