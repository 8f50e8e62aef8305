using System.Security.Cryptography;
using MicroSeg.Benchmarks.Load;
using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// <c>datapath ab A.o B.o [--quick]</c>: two builds of the data plane loaded side by side (each with
/// its own pins and maps, filled alike) and timed interleaved sample by sample (A, B, empty program),
/// so a shared machine's changing load shifts both alike. Each row gives both medians and the median
/// of the per-sample differences B − A (negative: B is cheaper). This is how a change to the BPF code
/// is kept or dropped: build the previous commit's object into a scratch directory and pass it as A.
/// </summary>
internal static class AbComparison
{
    /// <summary>Runs the rows; <paramref name="establishedOnly"/>: only the established row at the small conntrack (quick to iterate on that path).</summary>
    public static int Run(string objectA, string objectB, bool quick, bool establishedOnly, TextWriter log)
    {
        var settings = quick ? BenchSettings.Quick : BenchSettings.Full;
        var policy = settings.PolicySizes[^1];
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var pins = new[] { $"/sys/fs/bpf/microseg/bench-{suffix}-a", $"/sys/fs/bpf/microseg/bench-{suffix}-b" };
        log.WriteLine($"data plane A/B: A = {objectA}, B = {objectB}; {policy:N0} policy + {settings.IpCacheEntries:N0} ipcache entries; load average {Machine.LoadAverage()}");
        try
        {
            using var empty = EmptyProgram.Load(DatapathBenchCommand.ObjectPath("empty.bpf.o"));
            using var a = Load(objectA, pins[0], settings);
            using var b = Load(objectB, pins[1], settings);
            var benches = new[] { new DatapathBenchmarks(a, empty, settings, log) { SeedBothConntrackMaps = true }, new DatapathBenchmarks(b, empty, settings, log) { SeedBothConntrackMaps = true } };
            foreach (var bench in benches)
            {
                bench.PrepareEndpoint();
                bench.FillPolicy(policy);
            }
            using var eventsA = a.OpenEvents();
            using var eventsB = b.OpenEvents();
            var run = new Runner(a, b, empty, settings, [eventsA, eventsB], log);

            log.WriteLine("| Path | A added ns | B added ns | median B − A | mean added A / B | empty ns | method |");
            log.WriteLine("|---|---:|---:|---:|---:|---:|---|");
            if (establishedOnly)
            {
                run.Clear();
                run.Established("established, small conntrack", 5000);
                return 0;
            }
            run.Clear();
            run.NewFlows("new flow, fresh port (LRU insert), small conntrack", 10_000);
            run.Clear();
            run.NewFlows("new flow, fresh port, the event reader keeps up (drained after every flow)", 30_000, drainEach: true);
            run.SeedClosed(10_000);
            run.NewFlows("new flow, reused port (closed entry rewritten)", 10_000);
            run.Clear();
            run.Established("established, small conntrack", 5000);
            run.Clear();
            run.FirstReplies("server side: the workload's SYN-ACK, its first packet on a flow the peer opened", 40_000);

            var busy = benches.Select(x => x.FillConntrack(x.BusyNodeFlows)).ToArray();
            run.NewFlows($"new flow, fresh port, busy-node conntrack (A {busy[0]:N0} / B {busy[1]:N0} entries)", 20_000);
            run.Established("established, busy-node conntrack", 5001);

            var full = benches.Select(x => x.FillConntrack(settings.ConntrackEntries)).ToArray();
            run.NewFlows($"new flow, conntrack filled (A {full[0]:N0} / B {full[1]:N0} entries, LRU evicts)", 30_000);
            run.Established("established, conntrack filled", 5002);
            log.WriteLine($"load average at the end: {Machine.LoadAverage()}");
            return 0;
        }
        finally
        {
            foreach (var pin in pins.Where(Directory.Exists))
                Directory.Delete(pin, recursive: true);
        }
    }

    private static MicroSeg.Bpf.Datapath Load(string objectPath, string pinDirectory, BenchSettings settings) =>
        MicroSeg.Bpf.Datapath.Load(new DatapathOptions
        {
            ObjectPath = objectPath,
            PinDirectory = pinDirectory,
            ConntrackMaxEntries = (uint)Math.Max(settings.ConntrackEntries, 4096),
            EventRateLimit = EventRateLimit.Unlimited,
        });

    private sealed class Runner(MicroSeg.Bpf.Datapath a, MicroSeg.Bpf.Datapath b, EmptyProgram empty, BenchSettings settings,
        FlowEventReader[] events, TextWriter log)
    {
        private const int IfIndex = DatapathBenchmarks.IfIndex;

        public void Clear()
        {
            a.Conntrack.Clear();
            b.Conntrack.Clear();
        }

        /// <summary>Closed entries of the measured flow's ports: the next SYN on each reuses its entry.</summary>
        public void SeedClosed(int sportBase)
        {
            Clear();
            var now = MicroSeg.Bpf.Interop.LibC.MonotonicNanoseconds();
            var closed = new ConntrackValue { ReportedNs = now, LastSeenNs = now, State = ConntrackState.Closed, Direction = TrafficDirection.Egress, RuleId = 7 };
            for (var i = 0; i < Samples; i++)
            {
                var key = new ConntrackKey(IfIndex, TrafficDirection.Egress, 6, DatapathBenchmarks.Local, (ushort)(sportBase + i), DatapathBenchmarks.Peer, DatapathBenchmarks.ServicePort);
                ConntrackSeeding.Seed(a, key, closed, bothMaps: true);
                ConntrackSeeding.Seed(b, key, closed, bothMaps: true);
            }
        }

        private int Samples => Math.Min(settings.NewFlows, 10_000);

        /// <summary>New flows, one per sample. <paramref name="drainEach"/>: drain the rings after every sample, so each event
        /// finds its reader caught up, as a prompt agent leaves it (the kernel then queues the reader's wakeup on every submit).</summary>
        public void NewFlows(string name, int sportBase, bool drainEach = false)
        {
            var (xa, xb, xe) = (new List<double>(), new List<double>(), new List<double>());
            for (var i = 0; i < Samples; i++)
            {
                var frame = Frames.Tcp(DatapathBenchmarks.Local, (ushort)(sportBase + i), DatapathBenchmarks.Peer, DatapathBenchmarks.ServicePort, Frames.Syn);
                RunBoth(i, frame, 1, name, xa, xb);
                xe.Add(TestRun.Run(empty.Fd, frame, IfIndex, 1).Nanoseconds);
                if (drainEach || i % 2048 == 2047)
                    Drain();
            }
            Drain();
            Report(name, $"repeat 1, {Samples:N0} samples", xa, xb, xe);
        }

        /// <summary>The server's side of a connection: the peer's SYN opens the flow (not timed), then the
        /// workload's SYN-ACK, its first packet on that flow, is timed (one per sample, repeat 1).</summary>
        public void FirstReplies(string name, int sportBase)
        {
            var ingress = new PolicyKey(IfIndex, DatapathBenchmarks.PeerIdentity, DatapathBenchmarks.ServicePort, 6, TrafficDirection.Ingress);
            a.Policy.Update(ingress, new PolicyValue(8, PolicyAction.Allow));
            b.Policy.Update(ingress, new PolicyValue(8, PolicyAction.Allow));
            var (xa, xb, xe) = (new List<double>(), new List<double>(), new List<double>());
            for (var i = 0; i < Samples; i++)
            {
                var sport = (ushort)(sportBase + i);
                var syn = Frames.Tcp(DatapathBenchmarks.Peer, sport, DatapathBenchmarks.Local, DatapathBenchmarks.ServicePort, Frames.Syn);
                var synAck = Frames.Tcp(DatapathBenchmarks.Local, DatapathBenchmarks.ServicePort, DatapathBenchmarks.Peer, sport, Frames.SynAck);
                Run(a.ToWorkloadFd, syn, 1, name + " SYN");
                Run(b.ToWorkloadFd, syn, 1, name + " SYN");
                RunBoth(i, synAck, 1, name, xa, xb);
                xe.Add(TestRun.Run(empty.Fd, synAck, IfIndex, 1).Nanoseconds);
                if (i % 2048 == 2047)
                    Drain();
            }
            Drain();
            Report(name, $"repeat 1, {Samples:N0} samples", xa, xb, xe);
        }

        public void Established(string name, ushort sport)
        {
            var syn = Frames.Tcp(DatapathBenchmarks.Local, sport, DatapathBenchmarks.Peer, DatapathBenchmarks.ServicePort, Frames.Syn);
            var synAck = Frames.Tcp(DatapathBenchmarks.Peer, DatapathBenchmarks.ServicePort, DatapathBenchmarks.Local, sport, Frames.SynAck);
            var ack = Frames.Tcp(DatapathBenchmarks.Local, sport, DatapathBenchmarks.Peer, DatapathBenchmarks.ServicePort, Frames.Ack);
            foreach (var dp in new[] { a, b })
            {
                Run(dp.FromWorkloadFd, syn, 1, name);
                Run(dp.ToWorkloadFd, synAck, 1, name);
                Run(dp.FromWorkloadFd, ack, 1, name);
            }
            var (xa, xb, xe) = (new List<double>(), new List<double>(), new List<double>());
            var runs = settings.Runs * 3;
            for (var i = 0; i < runs; i++)
            {
                xe.Add(TestRun.Run(empty.Fd, ack, IfIndex, settings.Repeat).Nanoseconds);
                RunBoth(i, ack, settings.Repeat, name, xa, xb);
            }
            Drain();
            Report(name, $"repeat {settings.Repeat:N0}, {runs} runs", xa, xb, xe);
        }

        /// <summary>One run of each build on <paramref name="frame"/>, alternating by sample which goes first, so neither always gets the caches the other left.</summary>
        private void RunBoth(int sample, byte[] frame, int repeat, string name, List<double> xa, List<double> xb)
        {
            var (first, second, firstTimes, secondTimes) = sample % 2 == 0 ? (a, b, xa, xb) : (b, a, xb, xa);
            firstTimes.Add(Run(first.FromWorkloadFd, frame, repeat, name));
            secondTimes.Add(Run(second.FromWorkloadFd, frame, repeat, name));
        }

        private static double Run(int fd, byte[] frame, int repeat, string what) =>
            DatapathBenchmarks.Expect(TestRun.Run(fd, frame, IfIndex, repeat), what).Nanoseconds;

        private void Drain()
        {
            foreach (var reader in events)
                reader.Drain();
        }

        private void Report(string name, string method, List<double> xa, List<double> xb, List<double> xe)
        {
            var diffs = xa.Zip(xb, (p, q) => q - p).ToList();
            var empty = DatapathBenchmarks.Median(xe);
            var ma = DatapathBenchmarks.Median([.. xa]);
            var mb = DatapathBenchmarks.Median([.. xb]);
            // The mean beside the medians: a cost paid by few packets (the LRU's batch refill, 1 insert in 128) is
            // invisible in a median but is CPU the node spends all the same.
            log.WriteLine($"| {name} | {ma - empty:F0} | {mb - empty:F0} | {DatapathBenchmarks.Median(diffs):+0;-0;0} | {xa.Average() - xe.Average():F0} / {xb.Average() - xe.Average():F0} | {empty:F0} | {method} |");
        }
    }
}
