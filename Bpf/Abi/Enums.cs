namespace MicroSeg.Bpf;

// Mirrors of the enums in Bpf/include/microseg.h. The numbers are an ABI: never renumber.

/// <summary>Address family as stored in map keys and events (ms_family).</summary>
public enum IpFamily : byte
{
    IPv4 = 4,
    IPv6 = 6,
}

/// <summary>Direction from the workload's point of view (ms_direction).</summary>
public enum TrafficDirection : byte
{
    /// <summary>Toward the workload (program ms_to_workload, TC egress of the host veth).</summary>
    Ingress = 1,

    /// <summary>From the workload (program ms_from_workload, TC ingress of the host veth).</summary>
    Egress = 2,
}

/// <summary>Action of a policy entry (ms_action).</summary>
public enum PolicyAction : byte
{
    Allow = 1,
    Deny = 2,
}

/// <summary>Enforcement mode of an endpoint (ms_mode). Protect is 0, the safe default.</summary>
public enum EndpointMode : byte
{
    /// <summary>Drop denied packets.</summary>
    Protect = 0,

    /// <summary>Never drop; count and report would-deny.</summary>
    Monitor = 1,
}

/// <summary>Endpoint flags (MS_EP_*).</summary>
[Flags]
public enum EndpointFlags : byte
{
    None = 0,

    /// <summary>Ingress is default-deny (an allow policy with ingress rules selects it).</summary>
    IngressIsolated = 1,

    /// <summary>Egress is default-deny.</summary>
    EgressIsolated = 2,

    /// <summary>
    /// Anti-spoofing off: the workload's addresses are unknown, so its source addresses are
    /// not checked. Without this flag every IP packet it sends must come from an address in
    /// <see cref="Datapath.SourceAddresses"/> for its ifindex (IPv6 link-local excepted).
    /// </summary>
    NoSourceCheck = 4,

    /// <summary>
    /// The control plane guarantees that <see cref="Datapath.Policy"/> holds no
    /// <see cref="PolicyAction.Deny"/> rule for this endpoint's ingress, so the most specific
    /// matching allow decides and wider keys are not probed (faster new flows). Leave it unset
    /// when unsure: unset is always correct. Clear it before writing the direction's first
    /// deny rule; set it only after the last deny rule is deleted.
    /// </summary>
    IngressAllowOnly = 8,

    /// <summary>As <see cref="IngressAllowOnly"/>, for egress.</summary>
    EgressAllowOnly = 16,

    /// <summary>
    /// <see cref="Datapath.PolicyRanges"/> may hold port-range rules for this endpoint's ingress,
    /// so new flows probe it too; without the flag ranges are ignored (and cost nothing). Set it
    /// before writing the direction's first range entry; clear it only after the last is deleted.
    /// </summary>
    IngressRanges = 32,

    /// <summary>As <see cref="IngressRanges"/>, for egress.</summary>
    EgressRanges = 64,
}

/// <summary>
/// Which of the workload's own addresses its endpoint entry holds (MS_EP_SOURCE_*,
/// MS_EP_SOURCES_COMPLETE). The source check compares a new flow's source with them before
/// it probes <see cref="Datapath.SourceAddresses"/>. Set by <see cref="EndpointValue.WithSources"/>.
/// </summary>
[Flags]
public enum EndpointSourceFlags : byte
{
    None = 0,

    /// <summary><see cref="EndpointValue.Source4"/> is one of the workload's addresses.</summary>
    Ipv4 = 1,

    /// <summary><see cref="EndpointValue.Source6"/> is one of the workload's addresses.</summary>
    Ipv6 = 2,

    /// <summary>
    /// The entry holds every address of the workload, so <see cref="Datapath.SourceAddresses"/> is
    /// not probed: a source that matches neither is spoofed. Unset is always correct (slower).
    /// </summary>
    Complete = 4,
}

/// <summary>Conntrack entry flags (MS_CT_F_*).</summary>
[Flags]
public enum ConntrackFlags : uint
{
    None = 0,
    SeenReply = 1,

    /// <summary>A FIN was seen in the original direction.</summary>
    FinOriginal = 2,

    /// <summary>A FIN was seen in the reply direction.</summary>
    FinReply = 4,

    /// <summary>TCP flow picked up mid-stream: its first packet seen was not a SYN.</summary>
    Midstream = 8,

    /// <summary>
    /// The flow was opened by the peer, and the first packet the workload sent on it passed the
    /// source check: the workload's later packets skip that check. Deleted with the address
    /// (see <see cref="ConntrackCollector"/>).
    /// </summary>
    LocalChecked = 16,
}

/// <summary>TCP state of a conntrack entry (ms_ct_state). Other protocols stay None.</summary>
public enum ConntrackState : byte
{
    None = 0,
    SynSent = 1,
    SynReceived = 2,
    Established = 3,
    FinWait = 4,
    Closed = 5,
}

/// <summary>Per-packet verdict (ms_verdict), in events and counters.</summary>
public enum FlowVerdict : byte
{
    None = 0,
    Allowed = 1,
    Denied = 2,
    WouldDeny = 3,
}

/// <summary>Why a packet got its verdict (ms_reason). Also the ms_stats index.</summary>
public enum FlowReason : byte
{
    Unspecified = 0,
    NoEndpoint = 1,
    NotIp = 2,
    Malformed = 3,
    ConntrackEstablished = 4,
    ConntrackReply = 5,
    PolicyAllow = 6,
    PolicyDeny = 7,
    DefaultDeny = 8,
    DefaultAllow = 9,
    NeighborDiscovery = 10,

    /// <summary>Counter only: an event was dropped because ms_events was full.</summary>
    EventLost = 11,

    /// <summary>The workload sent from an address that is not one of its own (anti-spoofing).</summary>
    Spoofed = 12,

    /// <summary>A later IP fragment whose first fragment was allowed.</summary>
    Fragment = 13,

    /// <summary>A later IP fragment whose first fragment was denied: denied too.</summary>
    FragmentDenied = 14,

    /// <summary>A later IP fragment whose first fragment was not seen (or is too old): denied.</summary>
    FragmentUnknown = 15,

    /// <summary>An ICMP/ICMPv6 error quoting a packet of a tracked flow: passes as related.</summary>
    ConntrackRelated = 16,
}

/// <summary>What a record of ms_events is (ms_record_kind).</summary>
public enum FlowRecordKind : byte
{
    /// <summary>A <see cref="FlowEvent"/>: a new flow, a denied or a would-deny packet.</summary>
    FlowEvent = 0,

    /// <summary>A <see cref="FlowReport"/>: what an allowed flow carried since its previous report.</summary>
    FlowReport = 1,
}

/// <summary>Reserved security identities (ms_identity).</summary>
public static class ReservedIdentity
{
    /// <summary>"Any peer" in policy keys; "none" elsewhere.</summary>
    public const uint Any = 0;

    public const uint Host = 1;

    /// <summary>Remote addresses not found in the ipcache.</summary>
    public const uint World = 2;
}
