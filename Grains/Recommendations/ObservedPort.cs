using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Recommendations;

/// <summary>A destination protocol and port seen in a flow (port null for ICMP and ICMPv6).</summary>
internal readonly record struct ObservedPort(string Protocol, int? Port) : IComparable<ObservedPort>
{
    /// <summary>The port of a flow record's protocol and destination port, or null when no policy port can name it.</summary>
    public static ObservedPort? Of(string protocol, int? port)
    {
        var name = PolicyProtocols.Numbers.Keys.FirstOrDefault(k => string.Equals(k, protocol, StringComparison.OrdinalIgnoreCase));
        if (name is null)
            return null;
        var canonical = name == "ICMPV6" ? "ICMPv6" : name;
        if (!PolicyProtocols.HasPorts(name))
            return new ObservedPort(canonical, null);
        return port is >= 1 and <= 65535 ? new ObservedPort(canonical, port) : null;
    }

    public PolicyPort ToPolicyPort() => new() { Protocol = Protocol, Port = Port is { } p ? new PortRef(p, null) : (PortRef?)null };

    public override string ToString() => Port is { } p ? $"{Protocol}/{p}" : Protocol;

    public int CompareTo(ObservedPort other)
    {
        var byProtocol = string.CompareOrdinal(Protocol, other.Protocol);
        return byProtocol != 0 ? byProtocol : (Port ?? 0).CompareTo(other.Port ?? 0);
    }
}
