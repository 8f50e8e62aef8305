using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// Sends membership gossip: tells every other active member in this silo's view, over the silo links and in
/// parallel, that a silo's status changed, and reports which of them did not acknowledge in time. The table
/// stays the source of truth; gossip only makes the others read it now rather than up to a refresh period later.
/// </summary>
internal sealed partial class MembershipGossip(SiloConnections silos, ClusterView view, ILogger<MembershipGossip> logger)
{
    private static readonly string s_grainType = GrainClassInfo.GrainTypeOf(typeof(MembershipGossipGrain));
    private static readonly MethodDescriptor s_method = InterfaceRegistry.For(typeof(IMembershipGossipGrain)).Methods
        .Single(m => m.Method.Name == nameof(IMembershipGossipGrain.SiloStatusChangedAsync));

    /// <summary>Notifies the active members other than this silo and <paramref name="subject"/>; returns those that did not answer within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<SiloAddress>> NotifyAsync(SiloAddress subject, SiloStatus status, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var self = view.Self;
        var peers = view.Members.Select(m => m.Address).Where(a => a != self && a != subject).ToList();
        if (peers.Count == 0)
            return [];
        var answered = await Task.WhenAll(peers.Select(p => SendAsync(p, subject, status, timeout, cancellationToken))).ConfigureAwait(false);
        return [.. peers.Where((_, i) => !answered[i])];
    }

    private async Task<bool> SendAsync(SiloAddress peer, SiloAddress subject, SiloStatus status, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var call = s_method.CreateLocalCall([subject.ToString(), status], long.MaxValue, out var task);
        try
        {
            silos.Forward(peer, TargetKind.SystemTarget, s_grainType, peer.ToString(), call);
            await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            // Unreachable or slow peers are reported to the caller, which decides whether that matters.
            task.IgnoreFailure();
            if (!cancellationToken.IsCancellationRequested)
                LogNotifyFailed(peer, subject, status, ex.Message);
            return false;
        }
    }
}
