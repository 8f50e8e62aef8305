using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// Writes the flows a benchmark row starts from. <c>datapath ab</c> may compare with a build from before the
/// conntrack maps were split by family: such a build, patched so today's loader loads it, keeps every flow in its
/// one 44-byte-key map under the name ms_conntrack6 (and an unused ms_conntrack4). With bothMaps
/// each IPv4 flow is also written to ms_conntrack6 under its 44-byte key, for both builds alike, so either build
/// finds the flows where its programs look.
/// </summary>
internal static class ConntrackSeeding
{
    public static void Seed(MicroSeg.Bpf.Datapath datapath, in ConntrackKey key, in ConntrackValue value, bool bothMaps)
    {
        datapath.Conntrack.Update(key, value);
        if (bothMaps && key.Family == IpFamily.IPv4)
            datapath.Conntrack.IPv6.Update(key, value);
    }

    /// <summary>
    /// The flows the programs see: the fuller of the two maps (the benchmarks' flows are IPv4; a build from before the
    /// split keeps them, and the seeded ones, in ms_conntrack6).
    /// </summary>
    public static int IPv4Count(MicroSeg.Bpf.Datapath datapath) =>
        Math.Max(datapath.Conntrack.IPv4.Keys().Count, datapath.Conntrack.IPv6.Keys().Count);
}
