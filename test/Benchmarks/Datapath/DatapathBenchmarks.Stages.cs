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
}
