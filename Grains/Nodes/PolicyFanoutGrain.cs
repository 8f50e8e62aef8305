using MicroSeg.Grains.Interfaces.Nodes;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// Consumes one key of the policy-change stream and tells the affected node grains to recompute
/// (<see cref="NodeFanout"/> finds them through the label groups a change touches). The stream's
/// checkpoint moves only after every affected node grain was told, so a silo that dies mid fan-out
/// has the event delivered again; telling a node twice costs one extra recompute, nothing more.
/// Redeliveries within one activation (a persistent provider re-reading its queue) are skipped by
/// sequence token.
/// </summary>
[ImplicitStreamSubscription(PolicyStreams.Changes)]
internal sealed class PolicyFanoutGrain(ClusterInputsLoader inputs) : Grain, IPolicyFanoutGrain, IAsyncObserver<PolicyChange>
{
    private StreamSequenceToken? _lastHandled;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        await this.GetStreamProvider(PolicyStreams.Provider)
            .GetStream<PolicyChange>(StreamId.Create(PolicyStreams.Changes, this.GetPrimaryKeyString()))
            .SubscribeAsync(this);

    public async Task OnNextAsync(PolicyChange item, StreamSequenceToken? token = null)
    {
        if (token is not null && _lastHandled is not null && !token.Newer(_lastHandled))
            return;
        await (item switch
        {
            { AllNodes: true } => NodeFanout.RecomputeAllAsync(GrainFactory),
            { WorkloadBefore: not null } or { WorkloadAfter: not null } => NodeFanout.RecomputeForWorkloadAsync(GrainFactory, inputs, item.WorkloadBefore, item.WorkloadAfter, item.WorkloadIndexVersion),
            _ => NodeFanout.RecomputeForPolicyAsync(GrainFactory, inputs, item.PolicyBefore, item.PolicyAfter),
        });
        // Only after the nodes were told: a failure above leaves the event to be delivered again.
        _lastHandled = token ?? _lastHandled;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
