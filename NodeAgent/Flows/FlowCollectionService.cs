using System.Diagnostics;
using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.NodeAgent.Programming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeDirection = MicroSeg.Grains.Interfaces.Nodes.TrafficDirection;

namespace MicroSeg.NodeAgent.Flows;

/// <summary>
/// Drains the data plane's flow events and flow reports continuously on a thread of its own (ring_buffer__poll waits
/// in epoll, no busy polling; the data path wakes it every so many records per CPU, at most 1,024, and it reads whatever
/// is there at least every <see cref="PollWait"/>), sums them per <see cref="AgentOptions.FlowInterval"/> and queues each
/// interval's samples in the <see cref="FlowOutbox"/>. It never waits for the control plane: sending is
/// <see cref="FlowSender"/>'s job. Packets and bytes of allowed connections arrive as reports (each flow's growth, once
/// per flow interval, written by the data path), so nothing here reads the conntrack table.
/// </summary>
internal sealed partial class FlowCollectionService(
    Datapath datapath,
    MonitorCounters names,
    FlowOutbox outbox,
    FlowCounters counters,
    AgentOptions options,
    TimeProvider time,
    ILogger<FlowCollectionService> logger) : BackgroundService
{
    /// <summary>
    /// Longest wait in the kernel, so a stop or an interval's end is noticed promptly; also how late an event may be
    /// read when only a few wait (the data path wakes the reader only for a batch).
    /// </summary>
    private static readonly TimeSpan PollWait = TimeSpan.FromMilliseconds(200);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        FlowEventReader reader;
        try
        {
            reader = datapath.OpenEvents();
        }
        catch (BpfException ex)
        {
            LogCannotRead(ex.Message);
            return;
        }
        using (reader)
        {
            var aggregator = new FlowAggregator(options.FlowMaxKeys);
            var intervalStart = time.GetTimestamp();
            while (!stoppingToken.IsCancellationRequested)
            {
                var left = options.FlowInterval - time.GetElapsedTime(intervalStart);
                try
                {
                    var records = reader.Poll(left < PollWait ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : PollWait);
                    foreach (var e in records.Events)
                    {
                        var added = aggregator.Add(e);
                        counters.Event(FlowAggregator.VerdictOf(e.Verdict), e.Direction == TrafficDirection.Ingress ? NodeDirection.Ingress : NodeDirection.Egress,
                            e.RuleId, added);
                    }
                    foreach (var r in records.Reports)
                        aggregator.AddReport(r);
                }
                catch (BpfException ex)
                {
                    LogPollFailed(ex.Message);
                    stoppingToken.WaitHandle.WaitOne(PollWait);
                }
                if (time.GetElapsedTime(intervalStart) < options.FlowInterval)
                    continue;
                intervalStart = time.GetTimestamp();
                Flush(aggregator);
            }
            // What the last partial interval saw still goes out while the sender runs.
            Flush(aggregator);
        }
    }

    private void Flush(FlowAggregator aggregator)
    {
        var monotonicNow = MonotonicNs();
        var wallNow = time.GetUtcNow();
        var samples = aggregator.Flush(names.WorkloadOf,
            ns => wallNow - TimeSpan.FromTicks((long)(monotonicNow > ns ? monotonicNow - ns : 0) / 100), out var unattributed);
        counters.Flushed(unattributed, aggregator.Overflowed);
        outbox.Add(samples);
    }

    /// <summary>CLOCK_MONOTONIC in ns, the clock of the events' timestamps (Stopwatch reads it on Linux).</summary>
    private static ulong MonotonicNs() => (ulong)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    [LoggerMessage(EventId = 3601, Level = LogLevel.Error, Message = "Cannot read flow events: {Error}; flows of this node are not reported")]
    private partial void LogCannotRead(string error);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Reading flow events failed: {Error}")]
    private partial void LogPollFailed(string error);
}
