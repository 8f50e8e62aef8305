using System.Globalization;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// The agents of the latency benchmark in a process of their own, as the product's agents run apart from the silo
/// (<see cref="AgentFleetProcess"/> starts it). Usage: latency-agents --nodes N --real R --gateway PORT --object PATH
/// --pin-root DIR. It answers on standard output, one line per request read from standard input:
/// "applied SECONDS r0 r1 ..." → "ok" once every agent applied its revision; "when CIDR IDENTITY 1|0 SECONDS" →
/// "stamps s0 s1 ..." (<see cref="System.Diagnostics.Stopwatch"/> timestamps, monotonic across processes);
/// a failure → "error MESSAGE". Anything else it prints goes to standard error.
/// </summary>
internal static class LatencyAgentsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var protocol = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        Console.SetOut(Console.Error);
        var nodes = int.Parse(Arg(args, "--nodes"), CultureInfo.InvariantCulture);
        var real = int.Parse(Arg(args, "--real"), CultureInfo.InvariantCulture);
        var gateway = int.Parse(Arg(args, "--gateway"), CultureInfo.InvariantCulture);
        await using var fleet = await AgentFleet.StartAsync(nodes, real, gateway, Arg(args, "--object"), Arg(args, "--pin-root"));
        await protocol.WriteLineAsync("ready");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                switch (words)
                {
                    case ["applied", var seconds, .. var revisions]:
                        await fleet.WaitAppliedAsync(revisions.Select(long.Parse).ToList(),
                            TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture)));
                        await protocol.WriteLineAsync("ok");
                        break;
                    case ["when", var cidr, var identity, var present, var seconds]:
                        var stamps = await fleet.WhenAsync(cidr, uint.Parse(identity, CultureInfo.InvariantCulture), present == "1",
                            TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture)));
                        await protocol.WriteLineAsync("stamps " + string.Join(' ', stamps));
                        break;
                    default:
                        await protocol.WriteLineAsync($"error unknown request '{line}'");
                        break;
                }
            }
            catch (Exception ex)
            {
                await protocol.WriteLineAsync($"error {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }
        return 0;
    }

    private static string Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"latency-agents: {name} is required.");
    }
}
