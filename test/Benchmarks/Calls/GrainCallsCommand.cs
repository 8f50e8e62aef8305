using MicroSeg.Benchmarks.Load;
using Orleans;

namespace MicroSeg.Benchmarks.Calls;

/// <summary>
/// Grain calls per second and their latency on real Orleans silos in this process: local (the silo's own
/// co-hosted client calls grains on that silo), cross-silo (silo A calls grains placed on silo B), and from
/// an external cluster client through silo A's gateway to grains on A. Closed loop: each caller awaits its
/// call before the next, every caller on its own grain. Each row is the median of the rounds after one
/// warm-up round; p50/p99 pool every measured call. "one caller" rows time calls one after another.
/// Usage: grain-calls [--callers 200] [--seconds 2] [--rounds 5] [--silo bare|microseg] [--markdown FILE] [--tls]
/// With --tls the run measures only external-client calls through a gateway, first on plain silos (the baseline),
/// then on silos secured as the product's are (mutual TLS, caller credential), and gives the ratio.
/// With --cluster-proof the run measures local and cross-silo calls on silos without and then with the outgoing
/// cluster-proof filter (what each call a silo makes to a grain pays for the forged-sender check), and gives the ratios.
/// </summary>
internal static class GrainCallsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var callers = Args.Int(args, "--callers", 200);
        var seconds = Args.Int(args, "--seconds", 2);
        var rounds = Args.Int(args, "--rounds", 5);
        var siloKind = Args.Get(args, "--silo", "microseg");
        if (siloKind is not ("bare" or "microseg"))
            throw new ArgumentException($"--silo '{siloKind}': expected bare (Orleans defaults) or microseg (the product's silo configuration and call filters).");
        var markdown = Args.Get(args, "--markdown", "");
        if (args.Contains("--tls"))
            return await GatewayTlsAsync(siloKind, callers, seconds, rounds, markdown);
        if (args.Contains("--cluster-proof"))
            return await ClusterProofAsync(siloKind, callers, seconds, rounds, markdown);

        var lines = TableHead($"grain calls, {siloKind} silos", callers, seconds, rounds);

        await using var silos = await BenchSilos.StartAsync(2, siloKind == "microseg");
        var siloA = silos.Grains(0);
        var siloB = silos.Grains(1);
        var client = await silos.ConnectClientAsync(0);

        var local = await PlaceAsync(siloA, silos.Address(0), firstKey: 0, callers);
        var remote = await PlaceAsync(siloB, silos.Address(1), firstKey: 100_000, callers);
        var viaGateway = await PlaceAsync(siloA, silos.Address(0), firstKey: 200_000, callers);

        var duration = TimeSpan.FromSeconds(seconds);
        lines.Add(await RowAsync("local (silo A → grains on A)", siloA, local, callers, duration, rounds));
        lines.Add(await RowAsync("local, one caller", siloA, local, 1, duration, 1));
        lines.Add(await RowAsync("cross-silo (silo A → grains on B)", siloA, remote, callers, duration, rounds));
        lines.Add(await RowAsync("cross-silo, one caller", siloA, remote, 1, duration, 1));
        lines.Add(await RowAsync("external client → gateway of A → grains on A", client, viaGateway, callers, duration, rounds));
        lines.Add(await RowAsync("external client, one caller", client, viaGateway, 1, duration, 1));

        if (markdown.Length > 0)
            await File.WriteAllLinesAsync(markdown, lines);
        return 0;
    }

    /// <summary>External client → gateway → grains on that silo, plain and then with the product's TLS and credential, in one run.</summary>
    private static async Task<int> GatewayTlsAsync(string siloKind, int callers, int seconds, int rounds, string markdown)
    {
        var lines = TableHead($"gateway calls with and without TLS, {siloKind} silo", callers, seconds, rounds);
        var duration = TimeSpan.FromSeconds(seconds);
        var rates = new List<double>();
        foreach (var tls in new[] { false, true })
        {
            await using var silos = await BenchSilos.StartAsync(1, siloKind == "microseg", tls);
            var client = await silos.ConnectClientAsync(0);
            var keys = await PlaceAsync(silos.Grains(0), silos.Address(0), firstKey: 300_000, callers);
            var name = tls ? "external client → gateway, mutual TLS + caller credential" : "external client → gateway, plain (baseline)";
            var (line, perSecond) = await MeasureAsync(name, client, keys, callers, duration, rounds);
            lines.Add(line);
            rates.Add(perSecond);
            lines.Add((await MeasureAsync(name + ", one caller", client, keys, 1, duration, 1)).Line);
        }
        lines.Add("");
        lines.Add($"TLS + credential / plain, {callers} callers: {rates[1] / rates[0]:F2}×");
        Console.WriteLine(lines[^1]);
        if (markdown.Length > 0)
            await File.WriteAllLinesAsync(markdown, lines);
        return 0;
    }

    /// <summary>Silo-originated calls (local, cross-silo) without and with the outgoing cluster-proof filter, in one run.</summary>
    private static async Task<int> ClusterProofAsync(string siloKind, int callers, int seconds, int rounds, string markdown)
    {
        var lines = TableHead($"silo calls with and without the cluster proof, {siloKind} silos", callers, seconds, rounds);
        var duration = TimeSpan.FromSeconds(seconds);
        // Baseline, proof, proof, baseline: the first silos of the process also pay for its warm-up (JIT, thread pool),
        // so each kind is measured once early and once late, and the ratio compares their means.
        var rates = new Dictionary<(bool Proof, string Kind), List<double>>();
        var pass = 0;
        foreach (var proof in new[] { false, true, true, false })
        {
            pass++;
            await using var silos = await BenchSilos.StartAsync(2, siloKind == "microseg", clusterProof: proof);
            var local = await PlaceAsync(silos.Grains(0), silos.Address(0), firstKey: 400_000, callers);
            var remote = await PlaceAsync(silos.Grains(1), silos.Address(1), firstKey: 500_000, callers);
            var suffix = (proof ? ", with cluster proof" : " (baseline)") + $", pass {pass}";
            var (localLine, localRate) = await MeasureAsync("local (silo A → grains on A)" + suffix, silos.Grains(0), local, callers, duration, rounds);
            var (remoteLine, remoteRate) = await MeasureAsync("cross-silo (silo A → grains on B)" + suffix, silos.Grains(0), remote, callers, duration, rounds);
            lines.AddRange([localLine, (await MeasureAsync("local, one caller" + suffix, silos.Grains(0), local, 1, duration, 1)).Line,
                remoteLine, (await MeasureAsync("cross-silo, one caller" + suffix, silos.Grains(0), remote, 1, duration, 1)).Line]);
            foreach (var (kind, rate) in new[] { ("local", localRate), ("remote", remoteRate) })
            {
                if (!rates.TryGetValue((proof, kind), out var list))
                    rates[(proof, kind)] = list = [];
                list.Add(rate);
            }
        }
        lines.Add("");
        lines.Add($"with proof / baseline (means of two passes each), {callers} callers: local {rates[(true, "local")].Average() / rates[(false, "local")].Average():F2}×, " +
            $"cross-silo {rates[(true, "remote")].Average() / rates[(false, "remote")].Average():F2}×");
        Console.WriteLine(lines[^1]);
        if (markdown.Length > 0)
            await File.WriteAllLinesAsync(markdown, lines);
        return 0;
    }

    /// <summary>Activates <paramref name="count"/> grains through <paramref name="from"/> and checks each runs on <paramref name="expectedSilo"/>.</summary>
    private static async Task<long[]> PlaceAsync(IGrainFactory from, string expectedSilo, long firstKey, int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => firstKey + i).ToArray();
        var placed = await Task.WhenAll(keys.Select(k => from.GetGrain<IPingGrain>(k).SiloAsync()));
        var misplaced = placed.Count(s => s != expectedSilo);
        if (misplaced > 0)
            throw new InvalidOperationException($"{misplaced} of {count} grains were not placed on {expectedSilo}; the figures would mix local and remote calls.");
        return keys;
    }

    private static async Task<string> RowAsync(string name, IGrainFactory from, long[] keys, int callers, TimeSpan duration, int rounds) =>
        (await MeasureAsync(name, from, keys, callers, duration, rounds)).Line;

    private static async Task<(string Line, double PerSecond)> MeasureAsync(string name, IGrainFactory from, long[] keys, int callers, TimeSpan duration, int rounds)
    {
        var grains = keys.Take(callers).Select(k => from.GetGrain<IPingGrain>(k)).ToArray();
        Task Call(int caller, long n) => grains[caller].PingAsync((int)n);
        await ClosedLoop.RunAsync(callers, TimeSpan.FromSeconds(1), Call); // warm-up
        var runs = new List<LoadResult>();
        for (var r = 0; r < rounds; r++)
            runs.Add(await ClosedLoop.RunAsync(callers, duration, Call));
        var result = LoadResult.Combine(runs);
        var each = string.Join(" / ", runs.Select(r => Rate(r.PerSecond)));
        var line = $"| {name} | **{Rate(result.PerSecond)}** ({each}) | {Micros(result.PercentileMs(50))} | {Micros(result.PercentileMs(99))} | {Machine.LoadAverage()} |";
        Console.WriteLine(line);
        return (line, result.PerSecond);
    }

    private static string Rate(double perSecond) =>
        perSecond >= 1e6 ? $"{perSecond / 1e6:F2} M" : $"{perSecond / 1e3:F0} k";

    private static string Micros(double ms) => ms >= 1 ? $"{ms:F2} ms" : $"{ms * 1000:F0} µs";

    /// <summary>A table's title line (what, callers, rounds, time and load) and column header, printed as they are made.</summary>
    private static List<string> TableHead(string what, int callers, int seconds, int rounds)
    {
        List<string> lines =
        [
            $"{what}, {callers} callers, {rounds} rounds of {seconds} s; {Machine.Now()}, load average at start {Machine.LoadAverage()}",
            "",
            "| calls | calls/s (rounds) | p50 | p99 | load average after |",
            "|---|---:|---:|---:|---|",
        ];
        Console.WriteLine(string.Join('\n', lines));
        return lines;
    }
}
