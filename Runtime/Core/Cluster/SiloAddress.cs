using System.Globalization;

namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// One incarnation of a silo: its silo-to-silo endpoint and a generation (start time in ms), so a silo
/// restarted on the same endpoint is a different member. Text form: <c>host:port@generation</c>.
/// </summary>
internal sealed record SiloAddress(string Host, int Port, long Generation)
{
    /// <summary>"host:port" of the silo port.</summary>
    public string Endpoint => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public override string ToString() => $"{Endpoint}@{Generation.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string value, out SiloAddress address)
    {
        address = null!;
        var at = value.LastIndexOf('@');
        var colon = at < 0 ? -1 : value.LastIndexOf(':', at);
        if (colon <= 0
            || !int.TryParse(value.AsSpan(colon + 1, at - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !long.TryParse(value.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            return false;
        address = new SiloAddress(value[..colon], port, generation);
        return true;
    }
}

/// <summary>A silo's status in the membership table (Orleans <c>SiloStatus</c>, the subset used here). Stored as smallint.</summary>
internal enum SiloStatus : short
{
    Joining = 0,
    Active = 1,
    ShuttingDown = 2,
    Dead = 3,
}

/// <summary>A row of the membership table.</summary>
internal sealed record MembershipEntry(SiloAddress Address, string Name, SiloStatus Status, string? Gateway);
