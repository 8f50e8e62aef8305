using System.Diagnostics;
using System.Net;
using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>How much work the data-plane benchmarks do.</summary>
/// <param name="Repeat">Kernel repetitions per test-run for the repeatable paths (established).</param>
/// <param name="Runs">Test-runs per repeatable figure; the median is reported.</param>
/// <param name="NewFlows">Single-shot test-runs (one new tuple each) per new-flow figure; the median is reported.</param>
/// <param name="PolicySizes">ms_policy sizes for the new-flow figures.</param>
/// <param name="IpCacheEntries">ipcache size (single addresses) for every new-flow figure.</param>
/// <param name="ConntrackEntries">Flows written into ms_conntrack4 (its size) for the full-table figures.</param>
internal sealed record BenchSettings(int Repeat, int Runs, int NewFlows, int[] PolicySizes, int IpCacheEntries, int ConntrackEntries)
{
    public static BenchSettings Full { get; } = new(1_000_000, 7, 20_000, [1_000, 10_000, 100_000], 100_000, 1 << 20);

    public static BenchSettings Quick { get; } = new(10_000, 3, 500, [1_000], 1_000, 10_000);
}

/// <summary>One figure: the program's ns/packet beside the empty program's, measured in the same run.</summary>
internal sealed record BenchFigure(string Name, string Method, double Nanoseconds, double EmptyNanoseconds)
{
    public double Added => Nanoseconds - EmptyNanoseconds;
}

/// <summary>
/// Per-packet cost of the data plane by BPF_PROG_TEST_RUN, on the loopback device's ifindex
/// (test-run needs an existing device; nothing is attached anywhere). The workload is
/// 198.18.0.1 (identity 100) sending TCP to 198.18.0.2:80 (identity from the ipcache),
/// egress and ingress isolated, one exact allow rule; filler entries make the maps large.
/// </summary>
internal sealed partial class DatapathBenchmarks(MicroSeg.Bpf.Datapath datapath, EmptyProgram empty, BenchSettings settings, TextWriter log)
{
    /// <summary>Seed IPv4 flows into both conntrack maps (see <see cref="ConntrackSeeding"/>): set by <c>datapath ab</c>.</summary>
    internal bool SeedBothConntrackMaps { get; init; }

    internal const int IfIndex = 1; // lo
    internal const ushort ServicePort = 80;
    private const uint LocalIdentity = 100, FillerIdentityBase = 1000, FillerIdentities = 5000;
    private const EndpointFlags IsolatedFlags = EndpointFlags.IngressIsolated | EndpointFlags.EgressIsolated;
    private const EndpointFlags AllowOnlyFlags = IsolatedFlags | EndpointFlags.IngressAllowOnly | EndpointFlags.EgressAllowOnly;
    internal static readonly IPAddress Local = Frames.BenchAddress(1), Peer = Frames.BenchAddress(2);

    /// <summary>
    /// The endpoint as the agent writes it: its one address in the entry too (no source-map probe), and
    /// every policy key it has names a peer and a port (the other shapes are absent, so not probed).
    /// </summary>
    private static EndpointValue Endpoint(EndpointFlags flags) =>
        new EndpointValue(LocalIdentity, EndpointMode.Protect, flags).WithSources([Local])
            .WithPolicyKeys(PolicyKeyShapes.PeerPort, PolicyKeyShapes.PeerPort);

    /// <summary>The endpoint (allow-only, its address in the entry, anti-spoofing on) and a filled ipcache.</summary>
    internal void PrepareEndpoint()
    {
        // No deny rules below, so the endpoint says so (as the agent does): the first allow decides.
        datapath.Endpoints.Update(IfIndex, Endpoint(AllowOnlyFlags));
        datapath.SourceAddresses.Update(new SourceAddressKey(IfIndex, Local), default); // anti-spoofing on
        FillIpCache(settings.IpCacheEntries);
    }

    public IReadOnlyList<BenchFigure> RunAll()
    {
        var figures = new List<BenchFigure>();
        var fromFd = datapath.FromWorkloadFd;
        PrepareEndpoint();

        using var events = datapath.OpenEvents();
        foreach (var size in settings.PolicySizes)
        {
            FillPolicy(size);
            datapath.Conntrack.Clear();
            figures.Add(NewFlow($"new flow, {size:N0} policy + {settings.IpCacheEntries:N0} ipcache entries", fromFd, events, sportBase: 10_000));
        }

        // Same table, but the endpoint may have deny rules: every wider key shape it has is probed for one.
        datapath.Endpoints.Update(IfIndex, Endpoint(IsolatedFlags));
        datapath.Conntrack.Clear();
        figures.Add(NewFlow($"new flow, {settings.PolicySizes[^1]:N0} policy, deny rules possible, keys of one shape (1 key probed)", fromFd, events, sportBase: 10_000));
        // The worst case: the endpoint has keys of every shape (or says nothing), so all six are probed.
        datapath.Endpoints.Update(IfIndex, Endpoint(IsolatedFlags).WithPolicyKeys(PolicyKeyShapes.All, PolicyKeyShapes.All));
        datapath.Conntrack.Clear();
        figures.Add(NewFlow($"new flow, {settings.PolicySizes[^1]:N0} policy, deny rules possible (all 6 keys probed)", fromFd, events, sportBase: 10_000));
        datapath.Endpoints.Update(IfIndex, Endpoint(AllowOnlyFlags));
        figures.Add(ReusedPorts(fromFd, events));
        figures.AddRange(Stages(fromFd, events));
        figures.AddRange(PairedSavings(fromFd, events));
        datapath.Endpoints.Update(IfIndex, Endpoint(AllowOnlyFlags));

        // The rule as a port range instead: the exact probe misses, the range trie answers.
        var exact = new PolicyKey(IfIndex, PeerIdentity, ServicePort, 6, TrafficDirection.Egress);
        datapath.Policy.Delete(exact);
        foreach (var (key, value) in PolicyRanges.Encode([new PortRangeRule(IfIndex, TrafficDirection.Egress, PeerIdentity, 6, 1, 1023, new PolicyValue(7, PolicyAction.Allow))]))
            datapath.PolicyRanges.Update(key, value);
        datapath.Endpoints.Update(IfIndex, Endpoint(AllowOnlyFlags | EndpointFlags.EgressRanges));
        datapath.Conntrack.Clear();
        figures.Add(NewFlow($"new flow, {settings.PolicySizes[^1]:N0} policy, matched by a port range (1-1023)", fromFd, events, sportBase: 10_000));
        datapath.PolicyRanges.Clear();
        datapath.Policy.Update(exact, new PolicyValue(7, PolicyAction.Allow));
        datapath.Endpoints.Update(IfIndex, Endpoint(AllowOnlyFlags));

        datapath.Conntrack.Clear();
        figures.Add(Established("established (conntrack hit), small conntrack", fromFd, sport: 5000));

        // A busy node's table (the 1M rows below are the worst case: every bucket cold, LRU evicting).
        var busy = FillConntrack(BusyNodeFlows);
        figures.Add(Established($"established, busy-node conntrack ({busy:N0} entries)", fromFd, sport: 5003));
        figures.Add(NewFlow($"new flow, {settings.PolicySizes[^1]:N0} policy, busy-node conntrack ({busy:N0} entries, + up to 20,000 new)", fromFd, events, sportBase: 40_000));

        var filled = FillConntrack(settings.ConntrackEntries);
        figures.Add(Established($"established, conntrack filled ({filled:N0} entries)", fromFd, sport: 5001));
        figures.Add(NewFlow($"new flow, conntrack filled ({filled:N0} entries, LRU evicts)", fromFd, events, sportBase: 30_000));
        Notes.Add(CollectionCost(filled));
        Notes.Add(FlowReportCost(filled, events));
        return figures;
    }

    /// <summary>
    /// Flows in the "busy node" conntrack rows: what a node with a few hundred busy pods holds (32,768), beside the
    /// 1M-entry worst case (every bucket cold, the LRU evicting); half the table in a quick run.
    /// </summary>
    internal int BusyNodeFlows => Math.Min(32_768, settings.ConntrackEntries / 2);

    /// <summary>Lines about user-space costs, printed under the table.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>What one pass of the agent's conntrack collector costs over the full table (its timer runs it).</summary>
    private string CollectionCost(int entries)
    {
        var collector = new ConntrackCollector(datapath);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var result = collector.Collect();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        // What the agent's timer pays every period when no pass is needed.
        const int Checks = 100;
        var check = Stopwatch.StartNew();
        for (var i = 0; i < Checks; i++)
            collector.PassNeeded((uint)entries * 4, 0.5);
        var line = $"conntrack collection, one pass over {entries:N0} live entries: {wall.Elapsed.TotalMilliseconds:F0} ms wall, {cpuUsed.TotalMilliseconds:F0} ms CPU, {result.Scanned:N0} scanned; "
            + $"the periodic check whether a pass is needed: {check.Elapsed.TotalMicroseconds / Checks:F0} µs";
        log.WriteLine("  " + line);
        return line;
    }

    private BenchFigure Established(string name, int programFd, ushort sport)
    {
        // Handshake through the programs so the flow is tracked (and, with TCP state, established).
        Expect(TestRun.Run(programFd, Frames.Tcp(Local, sport, Peer, ServicePort, Frames.Syn), IfIndex, 1), name + " SYN");
        Expect(TestRun.Run(datapath.ToWorkloadFd, Frames.Tcp(Peer, ServicePort, Local, sport, Frames.SynAck), IfIndex, 1), name + " SYN-ACK");
        var ack = Frames.Tcp(Local, sport, Peer, ServicePort, Frames.Ack);
        Expect(TestRun.Run(programFd, ack, IfIndex, 1), name + " ACK");

        var program = new List<double>();
        var baseline = new List<double>();
        for (var i = 0; i < settings.Runs; i++)
        {
            // Interleaved, so both see the same machine state.
            baseline.Add(TestRun.Run(empty.Fd, ack, IfIndex, settings.Repeat).Nanoseconds);
            program.Add(Expect(TestRun.Run(programFd, ack, IfIndex, settings.Repeat), name).Nanoseconds);
        }
        var figure = new BenchFigure(name, $"repeat {settings.Repeat:N0}, median of {settings.Runs}", Median(program), Median(baseline));
        log.WriteLine($"  {figure.Name}: {figure.Nanoseconds:F0} ns (empty {figure.EmptyNanoseconds:F0} ns)");
        return figure;
    }

    /// <summary>
    /// A new flow cannot be repeated in the kernel loop (the first run creates the conntrack
    /// entry, the rest would be hits), so each run is a fresh tuple with repeat 1, and the
    /// empty program is run the same way; both medians carry the same fixed timer cost.
    /// </summary>
    private BenchFigure NewFlow(string name, int programFd, FlowEventReader events, int sportBase, byte flags = Frames.Syn, bool drain = true)
    {
        var program = new List<double>(settings.NewFlows);
        var baseline = new List<double>(settings.NewFlows);
        for (var i = 0; i < settings.NewFlows; i++)
        {
            var frame = Frames.Tcp(Local, (ushort)(sportBase + i % 20_000), Peer, ServicePort, flags);
            baseline.Add(TestRun.Run(empty.Fd, frame, IfIndex, 1).Nanoseconds);
            program.Add(Expect(TestRun.Run(programFd, frame, IfIndex, 1), name).Nanoseconds);
            if (drain && i % 4096 == 4095)
                events.Drain(); // keep the ring from filling: a full ring would skip the event cost
        }
        if (drain)
            events.Drain();
        var figure = new BenchFigure(name, $"repeat 1, median of {settings.NewFlows:N0} new tuples", Median(program), Median(baseline));
        log.WriteLine($"  {figure.Name}: {figure.Nanoseconds:F0} ns (empty {figure.EmptyNanoseconds:F0} ns)");
        return figure;
    }

    /// <summary>
    /// New flows on ports whose previous connection is still in the table, closed (a busy client
    /// cycles its ports in seconds; a closed entry stays until its timeout and the collector).
    /// </summary>
    private BenchFigure ReusedPorts(int fromFd, FlowEventReader events)
    {
        datapath.Conntrack.Clear();
        var now = MicroSeg.Bpf.Interop.LibC.MonotonicNanoseconds();
        var closed = new ConntrackValue { ReportedNs = now, LastSeenNs = now, State = ConntrackState.Closed, Direction = TrafficDirection.Egress, RuleId = 7 };
        for (var i = 0; i < Math.Min(settings.NewFlows, 20_000); i++)
            ConntrackSeeding.Seed(datapath, new ConntrackKey(IfIndex, TrafficDirection.Egress, 6, Local, (ushort)(10_000 + i), Peer, ServicePort), closed, SeedBothConntrackMaps);
        return NewFlow($"new flow, {settings.PolicySizes[^1]:N0} policy, on a reused port (its closed entry is in the table)", fromFd, events, sportBase: 10_000);
    }

    /// <summary>Workload addresses, where the agent puts them: single addresses in the host table.</summary>
    private void FillIpCache(int entries)
    {
        var sw = Stopwatch.StartNew();
        datapath.IpCache.Clear();
        datapath.IpCacheHosts.Clear();
        for (var i = 0; i < entries; i++)
        {
            var identity = FillerIdentityBase + (uint)(i % FillerIdentities);
            var key = IpCacheKey.FromPrefix(Frames.BenchAddress(i), 32);
            datapath.IpCacheFor(key).Update(key, new IpCacheValue(identity));
        }
        log.WriteLine($"  ipcache: {entries:N0} /32 entries in {sw.Elapsed.TotalSeconds:F1} s");
    }

    internal static uint PeerIdentity => FillerIdentityBase + 2; // BenchAddress(2)

    internal void FillPolicy(int entries)
    {
        datapath.Policy.Clear();
        datapath.Policy.Update(new PolicyKey(IfIndex, PeerIdentity, ServicePort, 6, TrafficDirection.Egress), new PolicyValue(7, PolicyAction.Allow));
        for (var i = 1; i < entries; i++)
        {
            // Other identities on high ports: never match the measured flow, only fill the table.
            var key = new PolicyKey(IfIndex, FillerIdentityBase + (uint)(i % FillerIdentities), (ushort)(1024 + i / FillerIdentities), 6,
                i % 2 == 0 ? TrafficDirection.Egress : TrafficDirection.Ingress);
            datapath.Policy.Update(key, new PolicyValue((uint)(1000 + i), PolicyAction.Allow));
        }
        log.WriteLine($"  policy: {entries:N0} entries");
    }

    internal int FillConntrack(int entries)
    {
        var sw = Stopwatch.StartNew();
        // Live flows (established, just seen): a collection pass finds nothing to delete, so it shows the scan's cost.
        var now = MicroSeg.Bpf.Interop.LibC.MonotonicNanoseconds();
        var value = new ConntrackValue { ReportedNs = now, LastSeenNs = now, State = ConntrackState.Established, Direction = TrafficDirection.Egress };
        for (var i = 0; i < entries; i++)
        {
            var key = new ConntrackKey(IfIndex + 1000, TrafficDirection.Egress, 6, Local, (ushort)(1 + (i & 0xFFFF)),
                Frames.BenchAddress(i >> 16), ServicePort);
            ConntrackSeeding.Seed(datapath, key, value, SeedBothConntrackMaps);
        }
        var count = ConntrackSeeding.IPv4Count(datapath);
        log.WriteLine($"  conntrack: wrote {entries:N0} flows in {sw.Elapsed.TotalSeconds:F1} s, {count:N0} present");
        return count;
    }

    internal static (int ReturnValue, uint Nanoseconds) Expect((int ReturnValue, uint Nanoseconds) run, string what)
    {
        if (run.ReturnValue != 0)
            throw new InvalidOperationException($"{what}: program returned {run.ReturnValue}, expected TC_ACT_OK (0); the benchmark setup is wrong.");
        return run;
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
