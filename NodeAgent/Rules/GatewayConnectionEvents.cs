using Orleans;

namespace MicroSeg.NodeAgent.Rules;

/// <summary>
/// Relays the Orleans client's connection notifications to <see cref="NodeSubscription"/>. A separate object
/// because the cluster client resolves its status observers while it is being built, and the subscription
/// itself needs the finished client: one type playing both roles is a dependency cycle.
/// </summary>
internal sealed class GatewayConnectionEvents : IClusterConnectionStatusObserver
{
    /// <summary>Raised when every gateway is lost or one comes back: time to subscribe again.</summary>
    public event Action<bool>? Changed;

    public void NotifyClusterConnectionLost() => Changed?.Invoke(false);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (connectionRecovered || currentNumberOfGateways > previousNumberOfGateways)
            Changed?.Invoke(true);
    }
}
