using System.Net;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>One packet through one program, with the verdict and reason it must get.</summary>
internal sealed record Step(DatapathProgram Program, byte[] Frame, int ExpectedAction, FlowReason ExpectedReason);

internal sealed record ExpectedEvent(FlowVerdict Verdict, FlowReason Reason, uint RuleId, uint RemoteIdentity);

internal sealed record ExpectedFlow(ConntrackKey Key, uint RuleId, ulong PacketsOriginal, ulong PacketsReply);

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

    public void Source(uint ifindex, string address) =>
        Datapath.SourceAddresses.Update(new SourceAddressKey(ifindex, IPAddress.Parse(address)), default);

    public void Identity(string cidr, uint identity) =>
        Datapath.IpCache.Update(IpCacheKey.FromCidr(cidr), new IpCacheValue(identity));

    public void Rule(TrafficDirection direction, uint remote, byte protocol, ushort port, PolicyAction action, uint ruleId) =>
        Datapath.Policy.Update(new PolicyKey(IfIndex, remote, port, protocol, direction), new PolicyValue(ruleId, action));

    public ConntrackKey Flow(TrafficDirection direction, byte protocol, string source, ushort sourcePort, string destination, ushort destinationPort) =>
        new(IfIndex, direction, protocol, IPAddress.Parse(source), sourcePort, IPAddress.Parse(destination), destinationPort);
}
