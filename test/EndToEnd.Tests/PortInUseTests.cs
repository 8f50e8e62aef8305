using System.Net;
using System.Net.Sockets;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing.Sockets;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// A port that another process holds stops the silo, and make run's script, with a non-zero exit code and a
/// message naming the port and the option that sets it. Real binaries; needs 'make build'.
/// </summary>
public sealed class PortInUseTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("microseg-port-").FullName;
    private readonly TcpListener _squatter = new(IPAddress.Loopback, 0);

    public PortInUseTests() => _squatter.Start();

    private int TakenPort => ((IPEndPoint)_squatter.LocalEndpoint).Port;

    public void Dispose()
    {
        _squatter.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Silo_HttpPortTaken_ExitsNonZeroNamingThePort()
    {
        using var silo = ChildProcess.Start("silo", RepoPaths.Silo, "--http", $"http://127.0.0.1:{TakenPort}", "--data", _data,
            "--silo-port", $"{LoopbackPorts.Free()}", "--gateway-port", $"{LoopbackPorts.Free()}");

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the silo still runs on a taken port\n{silo.Tail()}");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains($"port {TakenPort} (--http http://127.0.0.1:{TakenPort}) is already in use", silo.Output);
        Assert.DoesNotContain("Unhandled exception", silo.Output);
    }

    [Fact]
    public async Task Silo_GatewayPortTaken_ExitsNonZeroNamingThePort()
    {
        using var silo = ChildProcess.Start("silo", RepoPaths.Silo, "--http", $"http://127.0.0.1:{LoopbackPorts.Free()}", "--data", _data,
            "--silo-port", $"{LoopbackPorts.Free()}", "--gateway-port", $"{TakenPort}");

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the silo still runs on a taken port\n{silo.Tail()}");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains($"port {TakenPort} (--gateway-port) is already in use", silo.Output);
    }

    [Fact]
    public async Task RunScript_HttpPortTaken_ExitsNonZeroNamingThePort()
    {
        _ = RepoPaths.Silo; // fails with "run make build" when the binaries are missing
        using var run = ChildProcess.Start("make-run", "/usr/bin/env", $"MICROSEG_HTTP=http://127.0.0.1:{TakenPort}", $"MICROSEG_DATA={_data}",
            $"MICROSEG_GATEWAY_PORT={LoopbackPorts.Free()}", "bash", Path.Combine(RepoPaths.Root, "scripts", "run.sh"));

        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"scripts/run.sh still runs on a taken port\n{run.Tail()}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"port {TakenPort}", run.Output);
        Assert.Contains("run: the silo exited with code 1 during start-up", run.Output);
        Assert.DoesNotContain("MicroSeg is running.", run.Output);
    }
}
