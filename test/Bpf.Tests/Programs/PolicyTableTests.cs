using MicroSeg.Bpf.Tests.Fixtures;
using MicroSeg.Bpf.Tests.Packets;

namespace MicroSeg.Bpf.Tests.Programs;

/// <summary>
/// Runs each <see cref="PolicyCases"/> row through BPF_PROG_TEST_RUN and checks verdict,
/// reason and verdict counters per packet, then the events and conntrack entries it left.
/// </summary>
public sealed class PolicyTableTests(DatapathFixture fixture) : IClassFixture<DatapathFixture>
{
    public static TheoryData<string> CaseNames => PolicyCases.Names();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RunProgram_TableRow_MatchesVerdictCountersEventsAndConntrack(string name) => Run(name, withAbsentKeyShapes: false);

    /// <summary>
    /// The same rows with each endpoint entry saying which policy key shapes it has no key of, as the
    /// agent writes it: skipping those probes must change no verdict, reason, event or flow.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RunProgram_TableRowWithAbsentKeyShapes_MatchesTheSame(string name) => Run(name, withAbsentKeyShapes: true);

    [Fact]
    public void RunProgram_ShapeMarkedAbsent_IsNotProbed()
    {
        fixture.Reset();
        var context = new CaseContext(fixture.Datapath, (uint)fixture.PodA.HostIfIndex);
        context.Endpoint(EndpointFlags.IngressIsolated);
        context.Identity("198.18.0.2/32", 200);
        context.Rule(TrafficDirection.Ingress, 200, 6, 80, PolicyAction.Allow, 11);
        context.Rule(TrafficDirection.Ingress, ReservedIdentity.Any, 6, 80, PolicyAction.Deny, 12);
        var frame = PacketBuilder.Ip("198.18.0.2", "198.18.0.1").Tcp(40000, 80);
        var ifindex = fixture.PodA.HostIfIndex;

        // Told the truth, the endpoint probes the any-peer key too: deny beats allow.
        WithAbsentKeyShapes();
        Assert.Equal(ProgramRunResult.TcActShot, fixture.Datapath.RunProgram(DatapathProgram.ToWorkload, frame, ifindex).ReturnValue);

        // Told that no any-peer port key exists, it does not look (which is why the agent clears a
        // shape's bit before it writes such a key).
        fixture.Datapath.Endpoints.TryLookup((uint)ifindex, out var endpoint);
        fixture.Datapath.Endpoints.Update((uint)ifindex, endpoint with { AbsentIngress = endpoint.AbsentIngress | PolicyKeyShapes.AnyPeerPort });
        Assert.Equal(ProgramRunResult.TcActOk, fixture.Datapath.RunProgram(DatapathProgram.ToWorkload, frame, ifindex).ReturnValue);
        fixture.Events.Drain();
    }

    /// <summary>Rewrites every endpoint entry with the key shapes absent from ms_policy, as the agent computes them.</summary>
    private void WithAbsentKeyShapes()
    {
        var keys = fixture.Datapath.Policy.Keys();
        foreach (var ifindex in fixture.Datapath.Endpoints.Keys())
        {
            fixture.Datapath.Endpoints.TryLookup(ifindex, out var endpoint);
            var ingress = keys.Where(k => k.IfIndex == ifindex && k.Direction == TrafficDirection.Ingress)
                .Aggregate(PolicyKeyShapes.None, (shapes, k) => shapes | PolicyKeyShape.Of(k));
            var egress = keys.Where(k => k.IfIndex == ifindex && k.Direction == TrafficDirection.Egress)
                .Aggregate(PolicyKeyShapes.None, (shapes, k) => shapes | PolicyKeyShape.Of(k));
            fixture.Datapath.Endpoints.Update(ifindex, endpoint.WithPolicyKeys(ingress, egress));
        }
    }

    private void Run(string name, bool withAbsentKeyShapes)
    {
        var row = PolicyCases.Get(name);
        fixture.Reset();
        var context = new CaseContext(fixture.Datapath, (uint)fixture.PodA.HostIfIndex);
        row.Arrange(context);
        if (withAbsentKeyShapes)
            WithAbsentKeyShapes();

        foreach (var (step, index) in row.Steps.Select((s, i) => (s, i)))
        {
            var before = fixture.Datapath.ReadCounters();
            var result = fixture.Datapath.RunProgram(step.Program, step.Frame, fixture.PodA.HostIfIndex);
            var after = fixture.Datapath.ReadCounters();

            var what = $"{name} step {index} ({step.Program})";
            Assert.True(step.ExpectedAction == result.ReturnValue,
                $"{what}: expected TC action {step.ExpectedAction}, got {result.ReturnValue}");
            Assert.True(after[step.ExpectedReason] - before[step.ExpectedReason] == 1,
                $"{what}: reason counter {step.ExpectedReason} did not grow by 1");
            var verdict = ExpectedVerdict(step);
            Assert.True(after.Verdict(verdict) - before.Verdict(verdict) == 1,
                $"{what}: verdict counter {verdict} did not grow by 1");
        }

        var events = fixture.Events.Drain().Events
            .Select(e => new ExpectedEvent(e.Verdict, e.Reason, e.RuleId, e.RemoteIdentity))
            .ToArray();
        Assert.Equal(row.Events, events);

        var flows = fixture.Datapath.Conntrack.Entries()
            .Select(e => new ExpectedFlow(new OpenedFlow(e.Value.Direction, e.Key), e.Value.RuleId, e.Value.PacketsOriginal, e.Value.PacketsReply))
            .ToArray();
        Assert.Equal(row.Flows(context).Select(Describe).Order(), flows.Select(Describe).Order());
    }

    [Fact]
    public void RunProgram_NewFlow_EventCarriesTupleIdentitiesAndRevision()
    {
        fixture.Reset();
        var ifindex = (uint)fixture.PodA.HostIfIndex;
        fixture.Datapath.SetPolicyRevision(42);
        fixture.Datapath.SourceAddresses.Update(new SourceAddressKey(ifindex, System.Net.IPAddress.Parse("198.18.0.1")), default);
        fixture.Datapath.Endpoints.Update(ifindex, new EndpointValue(100, EndpointMode.Protect, EndpointFlags.None));
        fixture.Datapath.IpCache.Update(IpCacheKey.FromCidr("198.18.0.2/32"), new IpCacheValue(200));

        var result = fixture.Datapath.RunProgram(DatapathProgram.FromWorkload,
            PacketBuilder.Ip("198.18.0.1", "198.18.0.2").Udp(5000, 53), (int)ifindex);

        Assert.Equal(ProgramRunResult.TcActOk, result.ReturnValue);
        var e = Assert.Single(fixture.Events.Drain().Events);
        Assert.Equal((42ul, ifindex, 100u, 200u), (e.PolicyRevision, e.IfIndex, e.LocalIdentity, e.RemoteIdentity));
        Assert.Equal((IpFamily.IPv4, (byte)17, TrafficDirection.Egress), (e.Family, e.Protocol, e.Direction));
        Assert.Equal(("198.18.0.1", (ushort)5000, "198.18.0.2", (ushort)53),
            (e.Source.ToString(), e.SourcePort, e.Destination.ToString(), e.DestinationPort));
        Assert.Equal((FlowVerdict.Allowed, FlowReason.DefaultAllow, 0u), (e.Verdict, e.Reason, e.RuleId));
        Assert.True(e.TimestampNs > 0);
    }

    [Fact]
    public void RunProgram_RangeDeny_EventCarriesRuleAndRevision()
    {
        fixture.Reset();
        var context = new CaseContext(fixture.Datapath, (uint)fixture.PodA.HostIfIndex);
        fixture.Datapath.SetPolicyRevision(77);
        context.Endpoint(EndpointFlags.IngressRanges);
        context.Range(TrafficDirection.Ingress, ReservedIdentity.Any, 6, 1, 1023, PolicyAction.Deny, 61);

        var result = fixture.Datapath.RunProgram(DatapathProgram.ToWorkload,
            PacketBuilder.Ip("198.18.0.2", "198.18.0.1").Tcp(40000, 1023), fixture.PodA.HostIfIndex);

        Assert.Equal(ProgramRunResult.TcActShot, result.ReturnValue);
        var e = Assert.Single(fixture.Events.Drain().Events);
        Assert.Equal((77ul, 61u, FlowReason.PolicyDeny, (ushort)1023), (e.PolicyRevision, e.RuleId, e.Reason, e.DestinationPort));
    }

    private static FlowVerdict ExpectedVerdict(Step step) => step.ExpectedReason switch
    {
        FlowReason.PolicyDeny or FlowReason.DefaultDeny or FlowReason.Malformed or FlowReason.Spoofed
            or FlowReason.FragmentDenied or FlowReason.FragmentUnknown =>
            step.ExpectedAction == ProgramRunResult.TcActShot ? FlowVerdict.Denied : FlowVerdict.WouldDeny,
        _ => FlowVerdict.Allowed,
    };

    private static string Describe(ExpectedFlow f) =>
        $"{f.Flow} rule={f.RuleId} orig={f.PacketsOriginal} reply={f.PacketsReply}";
}
