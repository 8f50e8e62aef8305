namespace MicroSeg.Bpf;

/// <summary>
/// Shapes of an ms_policy key: which of peer, protocol and port it names (MS_KEY_*). An endpoint
/// entry lists, per direction, the shapes that have no key for it (<see cref="EndpointValue.AbsentIngress"/>,
/// <see cref="EndpointValue.AbsentEgress"/>), and a new flow skips those probes: an endpoint whose
/// keys all name a peer and a port pays one policy probe, deny rules or not. Absent = none is always
/// correct (every shape probed). Clear a shape's absent bit before writing its first key; set it only
/// after the last one is gone.
/// </summary>
[Flags]
public enum PolicyKeyShapes : byte
{
    None = 0,

    /// <summary>(peer, protocol, port).</summary>
    PeerPort = 0x01,

    /// <summary>(peer, protocol, any port).</summary>
    PeerProtocol = 0x02,

    /// <summary>(any peer, protocol, port).</summary>
    AnyPeerPort = 0x04,

    /// <summary>(any peer, protocol, any port).</summary>
    AnyPeerProtocol = 0x08,

    /// <summary>(peer, any protocol).</summary>
    PeerAll = 0x10,

    /// <summary>(any peer, any protocol).</summary>
    AnyPeerAll = 0x20,

    /// <summary>Every shape.</summary>
    All = 0x3F,
}

/// <summary>The shape of a policy key, as the data path probes it.</summary>
public static class PolicyKeyShape
{
    /// <summary>
    /// The shape a key is probed as. A key naming a port without a protocol is never probed by the data
    /// path; it counts as (peer, protocol, port) so it still widens the probing rather than hiding anything.
    /// </summary>
    public static PolicyKeyShapes Of(in PolicyKey key)
    {
        var anyPeer = key.RemoteIdentity == (uint)ReservedIdentity.Any;
        if (key.Protocol == 0 && key.Port == 0)
            return anyPeer ? PolicyKeyShapes.AnyPeerAll : PolicyKeyShapes.PeerAll;
        if (key.Port == 0)
            return anyPeer ? PolicyKeyShapes.AnyPeerProtocol : PolicyKeyShapes.PeerProtocol;
        return anyPeer ? PolicyKeyShapes.AnyPeerPort : PolicyKeyShapes.PeerPort;
    }
}
