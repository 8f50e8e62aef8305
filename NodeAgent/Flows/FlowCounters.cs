using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.NodeAgent.Flows;

/// <summary>The flow pipeline's counters since the agent started, for /metrics. Thread-safe.</summary>
internal sealed class FlowCounters
{
    private readonly ConcurrentDictionary<(FlowVerdict, TrafficDirection), long> _events = new();
    private readonly ConcurrentDictionary<(FlowVerdict, TrafficDirection), long> _connections = new();
    private readonly ConcurrentDictionary<(uint RuleId, FlowVerdict), long> _ruleHits = new();
    private long _batchesSent;
    private long _batchFailures;
    private long _samplesSent;
    private long _unattributed;
    private long _overflowed;

    public void Event(FlowVerdict verdict, TrafficDirection direction, uint ruleId, bool newConnection)
    {
        _events.AddOrUpdate((verdict, direction), 1, (_, n) => n + 1);
        if (newConnection)
        {
            _connections.AddOrUpdate((verdict, direction), 1, (_, n) => n + 1);
            if (ruleId != 0)
                _ruleHits.AddOrUpdate((ruleId, verdict), 1, (_, n) => n + 1);
        }
    }

    public void Flushed(long unattributed, long overflowed)
    {
        Interlocked.Add(ref _unattributed, unattributed);
        Interlocked.Exchange(ref _overflowed, overflowed);
    }

    public void Sent(int samples)
    {
        Interlocked.Increment(ref _batchesSent);
        Interlocked.Add(ref _samplesSent, samples);
    }

    public void SendFailed() => Interlocked.Increment(ref _batchFailures);

    public IReadOnlyDictionary<(FlowVerdict Verdict, TrafficDirection Direction), long> Events => _events;

    public IReadOnlyDictionary<(FlowVerdict Verdict, TrafficDirection Direction), long> Connections => _connections;

    /// <summary>New connections per deciding rule id and verdict.</summary>
    public IReadOnlyDictionary<(uint RuleId, FlowVerdict Verdict), long> RuleHits => _ruleHits;

    public long BatchesSent => Interlocked.Read(ref _batchesSent);

    public long BatchFailures => Interlocked.Read(ref _batchFailures);

    public long SamplesSent => Interlocked.Read(ref _samplesSent);

    /// <summary>Events of interfaces that were no endpoint at flush time (left out of the samples).</summary>
    public long Unattributed => Interlocked.Read(ref _unattributed);

    /// <summary>Events the aggregator could not key (too many distinct flows in one interval).</summary>
    public long Overflowed => Interlocked.Read(ref _overflowed);
}
