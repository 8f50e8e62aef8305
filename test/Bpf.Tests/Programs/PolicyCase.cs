using System.Net;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>One packet through one program, with the verdict and reason it must get.</summary>
internal sealed record Step(DatapathProgram Program, byte[] Frame, int ExpectedAction, FlowReason ExpectedReason);

internal sealed record ExpectedEvent(FlowVerdict Verdict, FlowReason Reason, uint RuleId, uint RemoteIdentity);

/// <summary>A conntrack entry's key and the direction of the program that opened it.</summary>
internal readonly record struct OpenedFlow(TrafficDirection Direction, ConntrackKey Key)
{
    public override string ToString() => $"{Key} opened {Direction}";
}

internal sealed record ExpectedFlow(OpenedFlow Flow, uint RuleId, ulong PacketsOriginal, ulong PacketsReply);

/// <summary>
/// A table row: map state (Arrange), packets (Steps) and the expected effects. Events and
/// flows are compared exactly: a row that expects none asserts there are none.
/// </summary>
internal sealed record PolicyCase(string Name)
{
    public Action<CaseContext> Arrange { get; init; } = _ => { };

    public required Step[] Steps { get; init; }

    public ExpectedEvent[] Events { get; init; } = [];

    public Func<CaseContext, ExpectedFlow[]> Flows { get; init; } = _ => [];

    public override string ToString() => Name;
}

/// <summary>Map-writing helpers for rows; the workload under test is at <see cref="IfIndex"/>.</summary>
internal sealed class CaseContext(MicroSeg.Bpf.Datapath datapath, uint ifindex)
{
    public const uint LocalIdentity = 100;

    public MicroSeg.Bpf.Datapath Datapath { get; } = datapath;

    public uint IfIndex { get; } = ifindex;

    /// <summary>The workload's own addresses, registered by <see cref="Endpoint"/>.</summary>
    public static readonly string[] LocalAddresses = ["198.18.0.1", "fd00:198:18::1"];

    /// <summary>Registers the endpoint and, unless <paramref name="withAddresses"/> is false, its own addresses.</summary>
    public void Endpoint(EndpointFlags flags, EndpointMode mode = EndpointMode.Protect, bool withAddresses = true)
    {
        if (withAddresses)
        {
            foreach (var address in LocalAddresses)
                Source(IfIndex, address);
        }
        Datapath.Endpoints.Update(IfIndex, new EndpointValue(LocalIdentity, mode, flags));
    }

    /// <summary>
    /// Registers the endpoint as the agent writes it: <paramref name="addresses"/> held in its entry
    /// (one per family; <see cref="EndpointSourceFlags.Complete"/> when they all fit) and, unless
    /// <paramref name="inMap"/> is false, in ms_source_addrs too.
    /// </summary>
    public void EndpointHolding(EndpointFlags flags, string[] addresses, bool inMap = true)
    {
        if (inMap)
        {
            foreach (var address in addresses)
                Source(IfIndex, address);
        }
        Datapath.Endpoints.Update(IfIndex,
            new EndpointValue(LocalIdentity, EndpointMode.Protect, flags).WithSources(addresses.Select(IPAddress.Parse)));
    }

    public void Source(uint ifindex, string address) =>
        Datapath.SourceAddresses.Update(new SourceAddressKey(ifindex, IPAddress.Parse(address)), default);

    /// <summary>Maps a block or address to an identity, in the map the agent would use.</summary>
    public void Identity(string cidr, uint identity)
    {
        var key = IpCacheKey.FromCidr(cidr);
        Datapath.IpCacheFor(key).Update(key, new IpCacheValue(identity));
    }

    /// <summary>Maps a single address in the trie, where the agent never puts one (the hash must still win).</summary>
    public void IdentityInTrie(string address, uint identity) =>
        Datapath.IpCache.Update(IpCacheKey.FromCidr(address), new IpCacheValue(identity));

    public void Rule(TrafficDirection direction, uint remote, byte protocol, ushort port, PolicyAction action, uint ruleId) =>
        Datapath.Policy.Update(new PolicyKey(IfIndex, remote, port, protocol, direction), new PolicyValue(ruleId, action));

    private readonly List<PortRangeRule> _ranges = [];

    /// <summary>Adds a port-range rule; the row's ranges are encoded together, as the agent does.</summary>
    public void Range(TrafficDirection direction, uint remote, byte protocol, ushort first, ushort last, PolicyAction action, uint ruleId)
    {
        _ranges.Add(new PortRangeRule(IfIndex, direction, remote, protocol, first, last, new PolicyValue(ruleId, action)));
        MapSync.Apply(Datapath.PolicyRanges, PolicyRanges.Encode(_ranges));
    }

    /// <summary>A conntrack entry of <paramref name="flow"/> last seen <paramref name="idleSeconds"/> ago, as the programs would have left it.</summary>
    public void TrackedFlow(OpenedFlow flow, ConntrackState state, uint ruleId, int idleSeconds = 0)
    {
        var clock = MicroSeg.Bpf.Interop.LibC.MonotonicNanoseconds();
        var idle = (ulong)idleSeconds * 1_000_000_000UL;
        // The programs' clock counts from boot: an entry idle for longer than the machine has been up cannot be written.
        Assert.True(idle < clock, $"a flow idle for {idleSeconds} s needs a machine up for longer (up {clock / 1_000_000_000UL} s)");
        var now = clock - idle;
        Datapath.Conntrack.Update(flow.Key, new ConntrackValue
        {
            ReportedNs = now, LastSeenNs = now, PacketsOriginal = 1, State = state, RuleId = ruleId, Direction = flow.Direction,
        });
    }

    /// <summary>The flow a packet with this tuple opens in the program of <paramref name="direction"/>.</summary>
    public OpenedFlow Flow(TrafficDirection direction, byte protocol, string source, ushort sourcePort, string destination, ushort destinationPort) =>
        new(direction, new ConntrackKey(IfIndex, direction, protocol, IPAddress.Parse(source), sourcePort, IPAddress.Parse(destination), destinationPort));
}
