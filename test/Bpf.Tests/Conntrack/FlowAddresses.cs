namespace MicroSeg.Bpf.Tests.Conntrack;

/// <summary>
/// The addresses a conntrack test uses, one set per family: IPv4 flows live in ms_conntrack4 (20-byte key),
/// IPv6 flows in ms_conntrack6 (44-byte key), so every conntrack test runs once for each.
/// </summary>
/// <param name="Local">The workload's address.</param>
/// <param name="Peer">The peer's address.</param>
/// <param name="Other">Another address, not the workload's unless a test gives it.</param>
public sealed record FlowAddresses(string Local, string Peer, string Other)
{
    public static readonly FlowAddresses IPv4 = new("198.18.0.1", "198.18.0.2", "198.18.0.77");

    public static readonly FlowAddresses IPv6 = new("fd00:198:18::1", "fd00:198:18::2", "fd00:198:18::77");
}
