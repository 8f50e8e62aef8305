using System.Diagnostics;
using System.Globalization;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// The latency benchmark's agents in a child process (<see cref="LatencyAgentsCommand"/>): the silo's process then
/// holds only the silo, as in a deployment, and the agents' CPU can be told apart from the silo's. The child runs
/// with the workstation GC, as microseg-agent does. Its stamps are <see cref="Stopwatch"/> timestamps, which on Linux
/// read the system-wide monotonic clock, so they compare with this process's.
/// </summary>
internal sealed class AgentFleetProcess : IAgentFleet
{
    private readonly Process _process;

    private AgentFleetProcess(Process process) => _process = process;

    public TimeSpan? ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<AgentFleetProcess> StartAsync(int nodeCount, int realCount, int gatewayPort, string objectPath, string pinRoot)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in (string[])[typeof(AgentFleetProcess).Assembly.Location, "latency-agents",
            "--nodes", $"{nodeCount}", "--real", $"{realCount}", "--gateway", $"{gatewayPort}", "--object", objectPath, "--pin-root", pinRoot])
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_gcServer"] = "0";
        var fleet = new AgentFleetProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the agents' process"));
        try
        {
            await fleet.ExpectAsync("ready", TimeSpan.FromMinutes(5));
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public async Task WaitAppliedAsync(IReadOnlyList<long> revisions, TimeSpan timeout)
    {
        // The child waits as long as asked and then names the agent that is behind; this side waits a little longer to hear it.
        await _process.StandardInput.WriteLineAsync($"applied {(int)timeout.TotalSeconds} " + string.Join(' ', revisions));
        await ExpectAsync("ok", timeout + TimeSpan.FromSeconds(10));
    }

    public async Task<long[]> WhenAsync(string cidr, uint identity, bool present, TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync($"when {cidr} {identity} {(present ? 1 : 0)} {(int)timeout.TotalSeconds}");
        var answer = await ReadAsync(timeout + TimeSpan.FromSeconds(10));
        return answer.StartsWith("stamps ", StringComparison.Ordinal)
            ? answer["stamps ".Length..].Split(' ').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : throw new InvalidOperationException($"agents' process: {answer}");
    }

    private async Task ExpectAsync(string expected, TimeSpan timeout)
    {
        var answer = await ReadAsync(timeout);
        if (answer != expected)
            throw new InvalidOperationException($"agents' process: expected '{expected}', got '{answer}'");
    }

    private async Task<string> ReadAsync(TimeSpan timeout) =>
        await _process.StandardOutput.ReadLineAsync().WaitAsync(timeout)
        ?? throw new InvalidOperationException($"agents' process exited (code {(_process.WaitForExit(5000) ? _process.ExitCode : -1)})");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // End of input stops the agents cleanly (they detach from their interfaces); a stuck one is killed.
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
