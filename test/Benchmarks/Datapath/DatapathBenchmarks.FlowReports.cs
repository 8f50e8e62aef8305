using System.Diagnostics;
using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Flows;

namespace MicroSeg.Benchmarks.Datapath;

internal sealed partial class DatapathBenchmarks
{
    /// <summary>Flows made due for a report in <see cref="FlowReportCost"/>.</summary>
    private int ReportingFlows => Math.Min(100_000, settings.ConntrackEntries / 2);

    /// <summary>
    /// The agent's flow accounting at a full table, before and after issue 17's flow reports. Before: the agent read the
    /// whole table (both maps, in batches) every flow interval to learn the counters' growth; that read is timed here
    /// (its dictionary work came on top). Now: an interval in which no report is due costs the reader's polls of an empty
    /// ring (25 per 5 s interval; the agent waits between them in epoll), and each report costs its read and its sum into the aggregator, timed over
    /// <see cref="ReportingFlows"/> flows made due (entries seeded as seen 2 s and reported 6 s ago, then one packet each
    /// through the program; the packets are not timed).
    /// </summary>
    private string FlowReportCost(int entries, FlowEventReader events)
    {
        var read = Timed(() =>
        {
            long n = 0;
            foreach (var _ in datapath.Conntrack.EntriesInBatches())
                n++;
            return n;
        });
        events.Drain();
        // Ten intervals of 25 reads each, after one of warm-up (the first calls pay the JIT).
        var idle = Timed(() => Enumerable.Range(0, 10 * 25).Sum(_ => (long)events.Drain().Count));
        idle = Timed(() => Enumerable.Range(0, 10 * 25).Sum(_ => (long)events.Drain().Count));

        var (reports, reportCpu) = ReportAndSum(events);
        var perReport = reportCpu.TotalNanoseconds / Math.Max(reports, 1);
        var line = $"flow accounting at {entries:N0} conntrack entries: before, the table read every flow interval: {read.Wall.TotalMilliseconds:F0} ms wall, "
            + $"{read.Cpu.TotalMilliseconds:F0} ms CPU ({read.Count:N0} entries); now, an interval without reports (25 reads of an empty ring): "
            + $"{idle.Cpu.TotalMicroseconds / 10:F0} µs CPU; per report read and summed: {perReport:F0} ns CPU ({reports:N0} reports), "
            + $"so {perReport * entries / 1e6:F0} ms per interval if every entry reported";
        log.WriteLine("  " + line);
        return line;
    }

    /// <summary>Makes <see cref="ReportingFlows"/> flows of the bench endpoint due, sends a packet on each, and times only the agent's part.</summary>
    private (long Reports, TimeSpan Cpu) ReportAndSum(FlowEventReader events)
    {
        var now = MicroSeg.Bpf.Interop.LibC.MonotonicNanoseconds();
        var due = new ConntrackValue
        {
            ReportedNs = now - 6_000_000_000, LastSeenNs = now - 2_000_000_000, PacketsOriginal = 10, BytesOriginal = 4_000,
            State = ConntrackState.Established, Direction = TrafficDirection.Egress, RuleId = 7,
        };
        var aggregator = new FlowAggregator(int.MaxValue);
        long reports = 0;
        var cpu = TimeSpan.Zero;
        for (var i = 0; i < ReportingFlows; i++)
        {
            var peer = Frames.BenchAddress(10 + (i >> 16));
            var sport = (ushort)(1 + (i & 0xFFFF));
            ConntrackSeeding.Seed(datapath, new ConntrackKey(IfIndex, TrafficDirection.Egress, 6, Local, sport, peer, ServicePort), due, SeedBothConntrackMaps);
            Expect(TestRun.Run(datapath.FromWorkloadFd, Frames.Tcp(Local, sport, peer, ServicePort, Frames.Ack), IfIndex, 1), "report packet");
            if (i % 4096 != 4095 && i != ReportingFlows - 1)
                continue;
            // The agent's part: read the ring, sum each report (a 1 MiB ring holds ≈ 10,000 reports).
            var sum = Timed(() =>
            {
                var records = events.Drain();
                foreach (var r in records.Reports)
                    aggregator.AddReport(r);
                return records.Reports.Count;
            });
            reports += sum.Count;
            cpu += sum.Cpu;
        }
        var flush = Timed(() => aggregator.Flush(_ => "w", _ => DateTimeOffset.UnixEpoch, out _).Count);
        return (reports, cpu + flush.Cpu);
    }

    /// <summary>
    /// Wall and CPU time of <paramref name="work"/> on this thread (CLOCK_THREAD_CPUTIME_ID, in ns: the process's
    /// TotalProcessorTime moves in 10 ms ticks, coarser than one drain). The ring is read on the calling thread.
    /// </summary>
    private static unsafe (TimeSpan Wall, TimeSpan Cpu, long Count) Timed(Func<long> work)
    {
        const int ClockThreadCpuTime = 3;
        MicroSeg.Bpf.Interop.LibC.TimeSpec before, after;
        MicroSeg.Bpf.Interop.LibC.ClockGetTime(ClockThreadCpuTime, &before);
        var wall = Stopwatch.StartNew();
        var count = work();
        MicroSeg.Bpf.Interop.LibC.ClockGetTime(ClockThreadCpuTime, &after);
        var ns = (after.Seconds - before.Seconds) * 1_000_000_000L + (after.Nanoseconds - before.Nanoseconds);
        return (wall.Elapsed, TimeSpan.FromTicks(ns / 100), count);
    }
}
