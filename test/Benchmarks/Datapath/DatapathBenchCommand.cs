using System.Security.Cryptography;
using MicroSeg.Bpf;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// <c>MicroSeg.Benchmarks datapath ...</c>: the data-plane benchmarks (BenchmarkDotNet would
/// time the syscall; these figures are the kernel's own per-packet timing) and the helper
/// that scripts/bench-iperf.sh uses to attach and detach the programs.
/// <code>
///   datapath run [--quick] [--markdown FILE]
///   datapath ab A.o B.o [--quick] [--established]   two builds side by side, interleaved sample by sample
///   datapath loop-new-flows OBJECT SECONDS [--busy] [--entries N]   new flows in a loop, for a profiler to watch
///   datapath attach PIN_DIR IFNAME...   load (pins in PIN_DIR), program endpoints, attach
///   datapath attach-allowlist PIN_DIR IFNAME=ADDRESS PORT[,PORT...] PEERS_FILE   a server admitting PORT from the listed peers only
///   datapath read-events PIN_DIR       read ms_events as the agent does, until SIGTERM
///   datapath detach PIN_DIR IFNAME...   remove our filters, then the pins
/// </code>
/// </summary>
internal static class DatapathBenchCommand
{
    public static int Run(string[] args)
    {
        switch (args)
        {
            case ["run", .. var rest]:
                return RunBenchmarks(rest);
            case ["ab", var objectA, var objectB, .. var rest]:
                return AbComparison.Run(objectA, objectB, rest.Contains("--quick"), rest.Contains("--established"), Console.Out);
            case ["loop-new-flows", var objectPath, var seconds, .. var rest]:
            {
                var at = Array.IndexOf(rest, "--entries");
                var entries = at >= 0 && at + 1 < rest.Length ? int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 1 << 20;
                return NewFlowLoop.Run(objectPath, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), rest.Contains("--busy"), entries, Console.Out);
            }
            case ["attach", var pinDirectory, .. var names] when names.Length > 0:
                IperfHelper.Attach(ObjectPath("microseg.bpf.o"), pinDirectory, names);
                return 0;
            case ["attach-allowlist", var pinDirectory, var server, var ports, var peersFile]:
                Peers.AllowListHelper.Attach(ObjectPath("microseg.bpf.o"), pinDirectory, server,
                    [.. ports.Split(',').Select(p => ushort.Parse(p, System.Globalization.CultureInfo.InvariantCulture))], peersFile);
                return 0;
            case ["read-events", var pinDirectory]:
                return EventReaderHelper.Run(pinDirectory);
            case ["detach", var pinDirectory, .. var names]:
                IperfHelper.Detach(ObjectPath("microseg.bpf.o"), pinDirectory, names);
                return 0;
            default:
                Console.Error.WriteLine("usage: datapath run [--quick] [--markdown FILE] | datapath ab A.o B.o [--quick] [--established] | datapath loop-new-flows OBJECT SECONDS [--busy] [--entries N] | datapath attach|detach PIN_DIR IFNAME... | datapath attach-allowlist PIN_DIR IFNAME=ADDRESS PORT[,PORT...] PEERS_FILE | datapath read-events PIN_DIR");
                return 2;
        }
    }

    private static int RunBenchmarks(string[] args)
    {
        var settings = args.Contains("--quick") ? BenchSettings.Quick : BenchSettings.Full;
        var markdownIndex = Array.IndexOf(args, "--markdown");
        var markdownPath = markdownIndex >= 0 && markdownIndex + 1 < args.Length ? args[markdownIndex + 1] : null;

        var pinDirectory = $"/sys/fs/bpf/microseg/bench-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        Console.WriteLine($"data plane: {Environment.ProcessorCount} CPUs, kernel {Environment.OSVersion.Version}, pins in {pinDirectory}, load average {Load.Machine.LoadAverage()}");
        try
        {
            using var empty = EmptyProgram.Load(ObjectPath("empty.bpf.o"));
            using var datapath = MicroSeg.Bpf.Datapath.Load(new DatapathOptions
            {
                ObjectPath = ObjectPath("microseg.bpf.o"),
                PinDirectory = pinDirectory,
                ConntrackMaxEntries = (uint)Math.Max(settings.ConntrackEntries, 4096),
                EventRateLimit = EventRateLimit.Unlimited, // measure the event cost of every new flow
            });
            var benchmarks = new DatapathBenchmarks(datapath, empty, settings, Console.Out);
            var figures = benchmarks.RunAll();
            benchmarks.Notes.Add($"{Load.Machine.Now()}, load average at the end {Load.Machine.LoadAverage()}");
            var table = Markdown(figures) + string.Concat(benchmarks.Notes.Select(n => Environment.NewLine + n + Environment.NewLine));
            Console.WriteLine();
            Console.WriteLine(table);
            if (markdownPath is not null)
                File.WriteAllText(markdownPath, table);
            return 0;
        }
        finally
        {
            if (Directory.Exists(pinDirectory))
                Directory.Delete(pinDirectory, recursive: true);
        }
    }

    internal static string Markdown(IReadOnlyList<BenchFigure> figures)
    {
        var lines = new List<string>
        {
            "| Path | ns/packet | empty TC program | added by MicroSeg | method |",
            "|---|---:|---:|---:|---|",
        };
        lines.AddRange(figures.Select(f => $"| {f.Name} | {f.Nanoseconds:F0} | {f.EmptyNanoseconds:F0} | {f.Added:F0} | {f.Method} |"));
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>out/bpf/NAME under the repository (found from the binaries, or $MICROSEG_ROOT).</summary>
    internal static string ObjectPath(string name)
    {
        var root = Environment.GetEnvironmentVariable("MICROSEG_ROOT");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); root is null && dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MicroSeg.Orleans.sln")))
                root = dir.FullName;
        }
        if (root is null)
            throw new InvalidOperationException("Repository root not found; set MICROSEG_ROOT.");
        return Path.Combine(root, "out", "bpf", name);
    }
}
