using System.Diagnostics;
using System.Security.Cryptography;
using MicroSeg.Benchmarks.Load;
using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// <c>datapath loop-new-flows OBJECT SECONDS [--busy] [--entries N]</c>: runs the new-flow case of <c>datapath run</c> (an egress
/// TCP SYN on a fresh tuple, 100,000 policy + 100,000 ipcache entries, repeat 1) in a loop for a while, so a profiler
/// (<c>perf record -a</c>, <c>bpftool prog profile</c>) can watch it: the JITed program shows as bpf_prog_*. With
/// --busy the conntrack holds a busy node's 32,768 flows first; --entries sizes ms_conntrack4 (default 1,048,576, as
/// <c>datapath run</c>; at least 65,536, the ports one loop cycle opens). Prints how many flows ran, the distribution of
/// their times, and the gaps between slow runs.
/// </summary>
internal static class NewFlowLoop
{
    private const double SlowNanoseconds = 15_000;

    public static int Run(string objectPath, double seconds, bool busy, int entries, TextWriter log)
    {
        var settings = BenchSettings.Full;
        if (entries < 65_536)
            throw new ArgumentOutOfRangeException(nameof(entries), entries, "--entries: at least 65,536 (one loop cycle opens 64,512 flows).");
        var pin = $"/sys/fs/bpf/microseg/bench-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        try
        {
            using var empty = EmptyProgram.Load(DatapathBenchCommand.ObjectPath("empty.bpf.o"));
            using var datapath = MicroSeg.Bpf.Datapath.Load(new DatapathOptions
            {
                ObjectPath = objectPath,
                PinDirectory = pin,
                ConntrackMaxEntries = (uint)entries,
                EventRateLimit = EventRateLimit.Unlimited,
            });
            var bench = new DatapathBenchmarks(datapath, empty, settings, log);
            bench.PrepareEndpoint();
            bench.FillPolicy(settings.PolicySizes[^1]);
            using var events = datapath.OpenEvents();
            void Reset()
            {
                datapath.Conntrack.Clear();
                if (busy)
                    bench.FillConntrack(bench.BusyNodeFlows);
            }
            Reset();
            log.WriteLine($"looping new flows for {seconds:F0} s (pid {Environment.ProcessId}), ms_conntrack4 of {entries:N0} entries, load average {Machine.LoadAverage()}");
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            for (var sport = 1024; clock.Elapsed.TotalSeconds < seconds; sport++)
            {
                if (sport > ushort.MaxValue)
                {
                    // Every port of the one peer used: start again from an empty (or busy-node) table.
                    sport = 1024;
                    events.Drain();
                    Reset();
                }
                var frame = Frames.Tcp(DatapathBenchmarks.Local, (ushort)sport, DatapathBenchmarks.Peer, DatapathBenchmarks.ServicePort, Frames.Syn);
                times.Add(DatapathBenchmarks.Expect(TestRun.Run(datapath.FromWorkloadFd, frame, DatapathBenchmarks.IfIndex, 1), "loop").Nanoseconds);
                if (sport % 2048 == 0)
                    events.Drain();
            }
            events.Drain();
            // Slow runs and the commonest gaps between them (in flows): a cost paid every N-th flow (the LRU's batch
            // refill, every 128 inserts on a CPU; the forced reader wakeup, every wakeup_every events) shows as gap N.
            var slow = Enumerable.Range(0, times.Count).Where(i => times[i] > SlowNanoseconds).ToList();
            var gaps = slow.Zip(slow.Skip(1), (p, q) => q - p).GroupBy(g => g).OrderByDescending(g => g.Count()).Take(8);
            log.WriteLine($"runs over {SlowNanoseconds / 1000:N0} µs: {slow.Count:N0} of {times.Count:N0} (1 in {times.Count / Math.Max(1, slow.Count)}); commonest gaps: " + string.Join(", ", gaps.Select(g => $"{g.Key} x{g.Count()}")));
            var mean = times.Average();
            times.Sort();
            double At(double q) => times[(int)(q * (times.Count - 1))];
            log.WriteLine($"{times.Count:N0} new flows in {clock.Elapsed.TotalSeconds:F1} s, ns per run (empty program not subtracted): median {At(0.5):F0}, mean {mean:F0}, p90 {At(0.9):F0}, p99 {At(0.99):F0}, p99.9 {At(0.999):F0}; load average {Machine.LoadAverage()}");
            return 0;
        }
        finally
        {
            if (Directory.Exists(pin))
                Directory.Delete(pin, recursive: true);
        }
    }
}
