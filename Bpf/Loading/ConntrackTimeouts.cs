namespace MicroSeg.Bpf;

/// <summary>
/// Idle timeouts of conntrack entries by TCP state and protocol. An entry idle for longer
/// is expired: the data path treats it as a miss (the flow is evaluated by policy again)
/// and <see cref="ConntrackCollector"/> deletes it and reports the flow as ended.
/// Compiled into the programs at load (const volatile), so they apply per load.
/// </summary>
public sealed record ConntrackTimeouts
{
    /// <summary>SYN sent or SYN-ACK seen, handshake not done. Default 60 s.</summary>
    public TimeSpan TcpSyn { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Established TCP. Default 6 h.</summary>
    public TimeSpan TcpEstablished { get; init; } = TimeSpan.FromHours(6);

    /// <summary>FIN seen in one direction. Default 30 s.</summary>
    public TimeSpan TcpFin { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>FIN seen both ways, or RST. Default 10 s.</summary>
    public TimeSpan TcpClosed { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>UDP pseudo-connections. Default 60 s.</summary>
    public TimeSpan Udp { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>ICMP and ICMPv6 (echo) pseudo-connections. Default 30 s.</summary>
    public TimeSpan Icmp { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Any other protocol. Default 60 s.</summary>
    public TimeSpan Other { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout that applies to an entry of <paramref name="protocol"/> in <paramref name="state"/>.</summary>
    public TimeSpan For(byte protocol, ConntrackState state) => protocol switch
    {
        6 => state switch
        {
            ConntrackState.SynSent or ConntrackState.SynReceived => TcpSyn,
            ConntrackState.FinWait => TcpFin,
            ConntrackState.Closed => TcpClosed,
            _ => TcpEstablished,
        },
        17 => Udp,
        1 or 58 => Icmp,
        _ => Other,
    };

    internal ConntrackTimeoutsValue ToValue()
    {
        foreach (var (name, value) in new[] { (nameof(TcpSyn), TcpSyn), (nameof(TcpEstablished), TcpEstablished), (nameof(TcpFin), TcpFin),
                     (nameof(TcpClosed), TcpClosed), (nameof(Udp), Udp), (nameof(Icmp), Icmp), (nameof(Other), Other) })
        {
            if (value <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(DatapathOptions.ConntrackTimeouts), value, $"ConntrackTimeouts.{name} must be positive.");
        }
        return new ConntrackTimeoutsValue
        {
            TcpSynNs = Nanoseconds(TcpSyn), TcpEstablishedNs = Nanoseconds(TcpEstablished), TcpFinNs = Nanoseconds(TcpFin),
            TcpClosedNs = Nanoseconds(TcpClosed), UdpNs = Nanoseconds(Udp), IcmpNs = Nanoseconds(Icmp), OtherNs = Nanoseconds(Other),
        };
    }

    private static ulong Nanoseconds(TimeSpan value) => (ulong)value.Ticks * 100;
}
