using System.Diagnostics;
using System.Globalization;

namespace MicroSeg.Benchmarks.Flows;

/// <summary>
/// New TCP connections as fast as the machine makes them, from C rather than .NET (a .NET client in a namespace
/// reached ≈ 0.9k/s): <c>crr server</c> with a worker per core in the server's namespace, several <c>crr storm</c>
/// processes in the client's, each connecting, exchanging a byte and closing, one connection after another.
/// </summary>
internal sealed class ConnectionStorm : IDisposable
{
    private readonly string _binary;
    private readonly Process _server;

    private ConnectionStorm(string binary, Process server)
    {
        _binary = binary;
        _server = server;
    }

    /// <summary>Builds crr and starts its server on <paramref name="address"/>:<paramref name="port"/> in <paramref name="serverNamespace"/>.</summary>
    public static ConnectionStorm Start(string serverNamespace, string address, int port, int workers)
    {
        var binary = Path.Combine(Directory.CreateTempSubdirectory("microseg-crr-").FullName, "crr");
        Run("cc", "-O2", "-Wall", "-Werror", "-o", binary, Path.GetFullPath("test/Benchmarks/Peers/crr.c"));
        var server = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", serverNamespace, binary, "server", address,
            port.ToString(CultureInfo.InvariantCulture), workers.ToString(CultureInfo.InvariantCulture)]))!;
        return new ConnectionStorm(binary, server);
    }

    /// <summary>
    /// Lets the client namespace reuse ports in TIME_WAIT and use the whole ephemeral range: 30 s at 10k/s is 300k
    /// connections from one address, ten times the default range. Both settings belong to that namespace only.
    /// </summary>
    public static void WidenPorts(string clientNamespace)
    {
        Run("ip", "netns", "exec", clientNamespace, "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65535");
        Run("ip", "netns", "exec", clientNamespace, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1");
    }

    /// <summary>Runs <paramref name="clients"/> storm processes for <paramref name="seconds"/>; connections made and failed.</summary>
    public async Task<(long Made, long Failed, TimeSpan Elapsed)> RunAsync(string clientNamespace, string address, int port, int clients, int seconds)
    {
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() =>
        {
            var output = Run("ip", "netns", "exec", clientNamespace, _binary, "storm", address,
                port.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture));
            var fields = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (Made: long.Parse(fields[0], CultureInfo.InvariantCulture), Failed: long.Parse(fields[1], CultureInfo.InvariantCulture));
        })));
        return (results.Sum(r => r.Made), results.Sum(r => r.Failed), clock.Elapsed);
    }

    public void Dispose()
    {
        if (!_server.HasExited)
            _server.Kill(entireProcessTree: true);
        _server.WaitForExit();
        _server.Dispose();
        Directory.Delete(Path.GetDirectoryName(_binary)!, recursive: true);
    }

    private static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }
}
