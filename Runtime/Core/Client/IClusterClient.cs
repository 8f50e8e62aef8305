namespace MicroSeg.Runtime;

/// <summary>
/// A connection to the cluster from outside (Orleans <c>IClusterClient</c>), or the silo's own local client.
/// Also registered as <see cref="IGrainFactory"/>.
/// </summary>
public interface IClusterClient : IGrainFactory
{
    /// <summary>Whether a gateway connection is up now (always true inside a silo).</summary>
    bool IsConnected { get; }
}

/// <summary>
/// Told when the client's gateway connection is lost or comes back (Orleans 7+
/// <c>IClusterConnectionStatusObserver</c>). Register implementations in DI; they are called on a
/// background thread and should return quickly.
/// </summary>
public interface IClusterConnectionStatusObserver
{
    /// <summary>The number of connected gateways changed.</summary>
    /// <param name="currentNumberOfGateways">Connected gateways now.</param>
    /// <param name="previousNumberOfGateways">Connected gateways before.</param>
    /// <param name="connectionRecovered">True when this ends a period with no connection after one was lost.</param>
    void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered);

    /// <summary>The client lost its last gateway connection; calls fail until it reconnects (it keeps trying).</summary>
    void NotifyClusterConnectionLost();
}
