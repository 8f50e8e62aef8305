using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// The new-flow path taken apart by what the packet makes the program do, all on the real
/// object (no build with pieces compiled out): each variant stops or skips one stage, so the
/// difference between two rows is that stage's cost. Runs at the largest policy size, with the
/// endpoint in allow-only mode (one policy probe).
/// </summary>
internal sealed partial class DatapathBenchmarks
{
    /// <summary>More events than the ring (1 MiB of 88-byte records) holds.</summary>
    private const int RingFillEvents = 13_000;

    private IEnumerable<BenchFigure> Stages(int fromFd, FlowEventReader events)
    {
        // Floor of every new flow: parse, one conntrack miss, one endpoint miss (unmanaged interface passes).
        datapath.Endpoints.Delete(IfIndex);
        datapath.Conntrack.Clear();
        yield return NewFlow("stage: parse + conntrack miss + endpoint miss (no endpoint)", fromFd, events, sportBase: 10_000);
        datapath.Endpoints.Update(IfIndex, Endpoint(AllowOnlyFlags));

        // A SYN-ACK without state is decided by policy and reported, but opens no conntrack entry.
        datapath.Conntrack.Clear();
        yield return NewFlow("stage: + endpoint, source check, ipcache, 1 policy probe, event (SYN-ACK: no conntrack insert)", fromFd, events, sportBase: 10_000, flags: Frames.SynAck);

        // The same with the ring full: the reservation fails at once, so the event's write is gone.
        for (var i = 0; i < RingFillEvents; i++)
            Expect(TestRun.Run(fromFd, Frames.Tcp(Local, (ushort)(40_000 + i % 20_000), Peer, ServicePort, Frames.SynAck), IfIndex, 1), "ring fill");
        var lostBefore = datapath.ReadCounters().EventsLost;
        var full = NewFlow("stage: as above, ring buffer full (event reserve fails, nothing written)", fromFd, events, sportBase: 10_000, flags: Frames.SynAck, drain: false);
        var lost = datapath.ReadCounters().EventsLost - lostBefore;
        if (lost < (ulong)settings.NewFlows)
            throw new InvalidOperationException($"ring-full stage: only {lost} of {settings.NewFlows} events were lost; the ring was not full.");
        events.Drain();
        yield return full;

        datapath.Conntrack.Clear();
        yield return NewFlow("stage: + conntrack insert (SYN: the whole new-flow path)", fromFd, events, sportBase: 10_000);
    }

    /// <summary>
    /// Two new-flow variants measured interleaved sample by sample (A, B, empty program), so a
    /// changing machine load shifts both alike: read the difference between the two rows.
    /// </summary>
    private IEnumerable<BenchFigure> Paired(int fromFd, FlowEventReader events, (string Name, Action? Before, int SportBase) a, (string Name, Action? Before, int SportBase) b)
    {
        var samples = Math.Min(settings.NewFlows, 10_000);
        var (first, second, baseline) = (new List<double>(samples), new List<double>(samples), new List<double>(samples));
        for (var i = 0; i < samples; i++)
        {
            a.Before?.Invoke();
            var frame = Frames.Tcp(Local, (ushort)(a.SportBase + i), Peer, ServicePort, Frames.Syn);
            first.Add(Expect(TestRun.Run(fromFd, frame, IfIndex, 1), a.Name).Nanoseconds);
            b.Before?.Invoke();
            second.Add(Expect(TestRun.Run(fromFd, Frames.Tcp(Local, (ushort)(b.SportBase + i), Peer, ServicePort, Frames.Syn), IfIndex, 1), b.Name).Nanoseconds);
            baseline.Add(TestRun.Run(empty.Fd, frame, IfIndex, 1).Nanoseconds);
            if (i % 2048 == 2047)
                events.Drain();
        }
        events.Drain();
        var method = $"repeat 1, median of {samples:N0}, interleaved with the paired row";
        foreach (var (name, values) in new[] { (a.Name, first), (b.Name, second) })
        {
            var figure = new BenchFigure(name, method, Median(values), Median(baseline));
            log.WriteLine($"  {figure.Name}: {figure.Nanoseconds:F0} ns (empty {figure.EmptyNanoseconds:F0} ns)");
            yield return figure;
        }
    }

    /// <summary>The savings of issue 17, each measured against its alternative in the same loop.</summary>
    private IEnumerable<BenchFigure> PairedSavings(int fromFd, FlowEventReader events)
    {
        var size = settings.PolicySizes[^1];
        var oneShape = Endpoint(IsolatedFlags);
        var everyShape = Endpoint(IsolatedFlags).WithPolicyKeys(PolicyKeyShapes.All, PolicyKeyShapes.All);
        datapath.Conntrack.Clear();
        foreach (var figure in Paired(fromFd, events,
            ($"paired: new flow, {size:N0} policy, deny rules possible, keys of one shape (1 probe)", () => datapath.Endpoints.Update(IfIndex, oneShape), 10_000),
            ($"paired: the same, every key shape present (6 probes)", () => datapath.Endpoints.Update(IfIndex, everyShape), 30_000)))
            yield return figure;

        datapath.Endpoints.Update(IfIndex, Endpoint(AllowOnlyFlags));
        datapath.Conntrack.Clear();
        var now = MicroSeg.Bpf.Interop.LibC.MonotonicNanoseconds();
        var closed = new ConntrackValue { ReportedNs = now, LastSeenNs = now, State = ConntrackState.Closed, Direction = TrafficDirection.Egress, RuleId = 7 };
        for (var i = 0; i < Math.Min(settings.NewFlows, 10_000); i++)
            ConntrackSeeding.Seed(datapath, new ConntrackKey(IfIndex, TrafficDirection.Egress, 6, Local, (ushort)(10_000 + i), Peer, ServicePort), closed, SeedBothConntrackMaps);
        foreach (var figure in Paired(fromFd, events,
            ($"paired: new flow, {size:N0} policy, on a reused port (closed entry in the table)", null, 10_000),
            ($"paired: the same on a fresh port (LRU insert)", null, 30_000)))
            yield return figure;
    }
}
