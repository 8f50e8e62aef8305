using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.NodeAgent.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;

namespace MicroSeg.NodeAgent.Flows;

/// <summary>
/// Sends queued flow samples to the node's <see cref="IFlowIngestGrain"/>. A batch that fails is sent again, the
/// same batch with the same sequence (the grain ignores a repeat of the batch it stored last), while new
/// intervals wait in the bounded <see cref="FlowOutbox"/>.
/// </summary>
internal sealed partial class FlowSender(
    FlowOutbox outbox,
    FlowCounters counters,
    IClusterClient client,
    AgentOptions options,
    TimeProvider time,
    ILogger<FlowSender> logger) : BackgroundService
{
    /// <summary>Most samples in one batch.</summary>
    internal const int MaxBatch = 10_000;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long sequence = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            List<FlowSample> samples;
            try
            {
                samples = await outbox.TakeAsync(MaxBatch, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var batch = new FlowBatch(options.Node, ++sequence, samples, outbox.Dropped);
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // Resolved per call: the client may not know the cluster's grain types before it first connects.
                    await client.GetGrain<IFlowIngestGrain>(options.Node).ReportAsync(batch).WaitAsync(CallTimeout, stoppingToken);
                    counters.Sent(samples.Count);
                    break;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    counters.SendFailed();
                    if (failures++ == 0)
                        LogSendFailed(samples.Count, ex.Message);
                    try
                    {
                        await Task.Delay(RetryDelay, time, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
    }

    [LoggerMessage(EventId = 3603, Level = LogLevel.Warning, Message = "Could not send {Count} flow samples to the control plane (retrying; newer ones wait in a bounded buffer): {Error}")]
    private partial void LogSendFailed(int count, string error);
}
