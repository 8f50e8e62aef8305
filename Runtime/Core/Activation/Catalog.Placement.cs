using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Activation;

/// <summary>
/// Which silo hosts a grain. The <see cref="ClusterView"/> names the owner of every grain id (stateless workers
/// and system targets are always local); a call goes there, and a silo that receives a call for a grain its own view places
/// elsewhere passes it on instead of activating it, so a silo whose view lags the table cannot create a second
/// activation. When the view changes, activations this silo no longer owns deactivate and their queued calls
/// follow to the new owner.
/// </summary>
internal sealed partial class Catalog
{
    /// <summary>
    /// How many times silos may pass one call on while their views disagree (as Orleans' MaxForwardCount);
    /// after that the caller gets a <see cref="SiloUnavailableException"/> to retry, never a loop.
    /// </summary>
    public const int MaxForwardCount = 2;

    private SiloConnections Silos => _silos ??= Services.GetRequiredService<SiloConnections>();

    /// <summary>Delivers a work item to the grain's activation, here or on the silo that owns the id.</summary>
    public void Dispatch(GrainClassInfo grainClass, GrainId id, WorkItem item)
    {
        if (!_stopping && !grainClass.IsPlacedLocally && _view.RemoteOwner(id.Type, id.Key) is { } owner)
        {
            Silos.Forward(owner, TargetKind.GrainType, id.Type, id.Key, item);
            return;
        }

        DispatchLocal(grainClass, id, item);
    }

    /// <summary>
    /// A call another silo sent here because its view named this silo the owner. When this silo's view names
    /// another owner (one of the two views lags the table), the call moves on, at most <see cref="MaxForwardCount"/> times.
    /// </summary>
    public void DispatchForwarded(GrainClassInfo grainClass, GrainId id, WorkItem item)
    {
        if (_stopping || grainClass.IsPlacedLocally || _view.RemoteOwner(id.Type, id.Key) is not { } owner)
        {
            DispatchLocal(grainClass, id, item);
            return;
        }

        if (item.ForwardCount >= MaxForwardCount)
        {
            item.Fail(new SiloUnavailableException(
                $"The silos disagree on which of them hosts {id} while the cluster membership changes (silo {_view.Self} sees {owner}); retry."));
            return;
        }

        item.ForwardCount++;
        Silos.Forward(owner, TargetKind.GrainType, id.Type, id.Key, item);
    }

    /// <summary>A call to a runtime service of this silo (<see cref="TargetKind.SystemTarget"/>): hosted here, not held for readiness.</summary>
    public void DispatchSystemTarget(GrainClassInfo grainClass, GrainId id, WorkItem item) => Activate(grainClass, id, item);

    /// <summary>
    /// Deactivates the activations this silo no longer owns and waits (at most <paramref name="timeout"/>) until
    /// they are gone, so a joining silo that now owns them reads their last written state. False on timeout.
    /// </summary>
    public async Task<bool> ReleaseMigratingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var leaving = new List<Task>();
        foreach (var activation in _activations.Values)
        {
            if (MigrateIfNotOwned(activation))
                leaving.Add(activation.Deactivated);
        }

        try
        {
            await Task.WhenAll(leaving).WaitAsync(timeout, Time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Membership changed: activations now owned by another silo deactivate, and reactivate there on their next call.</summary>
    private void OnViewChanged(ClusterView view)
    {
        foreach (var activation in _activations.Values)
            MigrateIfNotOwned(activation);
    }

    // Also run on a new activation: one created from a placement decision taken just before the view changed
    // would otherwise be missed by the scan of OnViewChanged and stay beside the owner's.
    private bool MigrateIfNotOwned(GrainActivation activation)
    {
        if (_stopping || activation.Class.IsPlacedLocally || _view.RemoteOwner(activation.Id.Type, activation.Id.Key) is not { } owner)
            return false;
        activation.RequestDeactivation(new(DeactivationReasonCode.Migrating, $"Silo {owner} owns the grain now."));
        return true;
    }
}
