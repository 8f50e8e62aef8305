using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>An agent stand-in that remembers the newest revision pushed to it.</summary>
internal sealed class RecordingObserver : INodeRulesObserver
{
    private long _revision;

    public long LatestRevision => Interlocked.Read(ref _revision);

    public Task OnRulesAsync(NodeRules rules)
    {
        Interlocked.Exchange(ref _revision, rules.Revision);
        return Task.CompletedTask;
    }

    public Task OnDeltaAsync(NodeRulesDelta delta)
    {
        Interlocked.Exchange(ref _revision, delta.Revision);
        return Task.CompletedTask;
    }
}
