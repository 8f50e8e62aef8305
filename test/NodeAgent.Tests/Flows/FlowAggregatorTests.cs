using System.Net;
using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Flows;
using SampleVerdict = MicroSeg.Grains.Interfaces.Flows.FlowVerdict;
using NodeDirection = MicroSeg.Grains.Interfaces.Nodes.TrafficDirection;

namespace MicroSeg.NodeAgent.Tests.Flows;

public sealed class FlowAggregatorTests
{
    private static readonly DateTimeOffset Wall = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Flush_DeniedSynRetries_OneConnectionPerSourcePort_EveryPacketCounted()
    {
        var aggregator = new FlowAggregator(100);
        for (var retry = 0; retry < 3; retry++)
            aggregator.Add(Denied(40000, 1_000 + (ulong)retry));
        aggregator.Add(Denied(40001, 2_000));

        var sample = Assert.Single(Flush(aggregator));

        Assert.Equal(2, sample.Connections);
        Assert.Equal(4, sample.Packets);
        Assert.Equal("b", sample.Workload);
        Assert.Equal(NodeDirection.Ingress, sample.Direction);
        Assert.Equal(SampleVerdict.Deny, sample.Verdict);
        Assert.Equal("default-deny", sample.Reason);
        Assert.Equal("198.18.0.3", sample.Source);
        Assert.Equal("198.18.0.2", sample.Destination);
        Assert.Equal(80, sample.Port);
        Assert.True(sample.FirstSeen < sample.LastSeen);
    }

    [Fact]
    public void Flush_RetryInTheNextInterval_IsNotANewConnection()
    {
        var aggregator = new FlowAggregator(100);
        aggregator.Add(Denied(40000, 1_000));
        Flush(aggregator);

        aggregator.Add(Denied(40000, 3_000));
        var sample = Assert.Single(Flush(aggregator));

        Assert.Equal(0, sample.Connections);
        Assert.Equal(1, sample.Packets);
    }

    /// <summary>
    /// A client making thousands of connections a second reuses its source ports within seconds; the data plane
    /// reports each allowed connection once (when it creates the conntrack entry), so each event counts.
    /// </summary>
    [Fact]
    public void Flush_AllowedConnectionsReusingASourcePort_EachCounted_AlsoAcrossIntervals()
    {
        var aggregator = new FlowAggregator(100);
        aggregator.Add(Denied(40000, 1_000) with { Verdict = FlowVerdict.Allowed, Reason = FlowReason.PolicyAllow, RuleId = 3 });
        aggregator.Add(Denied(40000, 2_000) with { Verdict = FlowVerdict.Allowed, Reason = FlowReason.PolicyAllow, RuleId = 3 });
        Assert.Equal(2, Assert.Single(Flush(aggregator)).Connections);

        aggregator.Add(Denied(40000, 3_000) with { Verdict = FlowVerdict.Allowed, Reason = FlowReason.PolicyAllow, RuleId = 3 });
        Assert.Equal(1, Assert.Single(Flush(aggregator)).Connections);
    }

    [Fact]
    public void Flush_EventOfUnknownInterface_LeftOutAndCounted()
    {
        var aggregator = new FlowAggregator(100);
        var e = Denied(40000, 1_000);
        e.IfIndex = 99;
        aggregator.Add(e);

        var samples = aggregator.Flush(i => i == 7 ? "b" : null, _ => Wall, out var unattributed);

        Assert.Empty(samples);
        Assert.Equal(1, unattributed);
    }

    [Fact]
    public void Add_MoreKeysThanAllowed_CountsTheRest()
    {
        var aggregator = new FlowAggregator(2);
        for (ushort port = 1; port <= 5; port++)
        {
            var e = Denied(40000, 1_000);
            e.DestinationPort = port;
            aggregator.Add(e);
        }

        Assert.Equal(2, Flush(aggregator).Count);
        Assert.Equal(3, aggregator.Overflowed);
    }

    [Fact]
    public void AddReport_GrowthOfAnAllowedConnection_JoinsItsOpeningEvent()
    {
        var aggregator = new FlowAggregator(100);
        var opened = Allowed(40000, 1_000);
        aggregator.Add(opened);

        aggregator.AddReport(Report(opened, 4_000, 12, 3_400));
        aggregator.AddReport(Report(opened, 5_000, 3, 180));

        var sample = Assert.Single(Flush(aggregator));
        Assert.Equal((1L, 15L, 3_580L), (sample.Connections, sample.Packets, sample.Bytes));
        Assert.Equal(SampleVerdict.Allow, sample.Verdict);
        Assert.Equal("policy-allow", sample.Reason);
        Assert.Equal(17u, sample.RuleId);
        Assert.Equal(("198.18.0.3", "198.18.0.2", (ushort)80), (sample.Source, sample.Destination, sample.Port));
        Assert.Equal((Wall.AddTicks(10), Wall.AddTicks(50)), (sample.FirstSeen, sample.LastSeen));
    }

    [Fact]
    public void AddReport_ConnectionOpenedInAnEarlierInterval_SampleWithItsBytesAndNoConnection()
    {
        var aggregator = new FlowAggregator(100);
        var opened = Allowed(40000, 1_000);
        aggregator.Add(opened);
        Flush(aggregator);

        aggregator.AddReport(Report(opened, 9_000, 40, 52_000));

        var sample = Assert.Single(Flush(aggregator));
        Assert.Equal((0L, 40L, 52_000L), (sample.Connections, sample.Packets, sample.Bytes));
        Assert.Equal(("198.18.0.3", "198.18.0.2", (ushort)80, "policy-allow"), (sample.Source, sample.Destination, sample.Port, sample.Reason));
    }

    [Fact]
    public void AddReport_MoreKeysThanAllowed_CountedAsOverflow()
    {
        var aggregator = new FlowAggregator(1);
        aggregator.Add(Allowed(40000, 1_000));

        var other = Allowed(40001, 1_000);
        other.DestinationPort = 443;
        aggregator.AddReport(Report(other, 2_000, 1, 60));

        Assert.Equal(1, aggregator.Overflowed);
        Assert.Equal(0L, Assert.Single(Flush(aggregator)).Packets);
    }

    private static FlowEvent Allowed(ushort sourcePort, ulong timestampNs)
    {
        var e = Denied(sourcePort, timestampNs);
        e.Verdict = FlowVerdict.Allowed;
        e.Reason = FlowReason.PolicyAllow;
        e.RuleId = 17;
        return e;
    }

    /// <summary>A report as the data path writes it: the opening event's flow, kind report, the report's time.</summary>
    private static FlowReport Report(FlowEvent opened, ulong timestampNs, ulong packets, ulong bytes)
    {
        var flow = opened;
        flow.Kind = FlowRecordKind.FlowReport;
        flow.TimestampNs = timestampNs;
        return new FlowReport { Flow = flow, Packets = packets, Bytes = bytes };
    }

    private static List<Grains.Interfaces.Flows.FlowSample> Flush(FlowAggregator aggregator) =>
        aggregator.Flush(i => i == 7 ? "b" : null, ns => Wall.AddTicks((long)ns / 100), out _);

    private static FlowEvent Denied(ushort sourcePort, ulong timestampNs) => new()
    {
        TimestampNs = timestampNs,
        IfIndex = 7,
        Direction = TrafficDirection.Ingress,
        Family = IpFamily.IPv4,
        Protocol = 6,
        SourcePort = sourcePort,
        DestinationPort = 80,
        Verdict = FlowVerdict.Denied,
        Reason = FlowReason.DefaultDeny,
        SourceAddress = IpAddressBytes.From(IPAddress.Parse("198.18.0.3")),
        DestinationAddress = IpAddressBytes.From(IPAddress.Parse("198.18.0.2")),
    };
}
