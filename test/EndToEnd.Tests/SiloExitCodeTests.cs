using MicroSeg.Testing.Sockets;
using System.Diagnostics;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// A silo that stops on its own exits non-zero, so a supervisor (systemd Restart=on-failure, Kubernetes) starts
/// it again; one asked to stop (SIGTERM) exits 0. Real binaries; needs 'make build'.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class SiloExitCodeTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly SiloCluster _cluster = new(postgres, "exit-silo");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Start_PostgresUnreachable_ExitsNonZeroNamingTheDatabase()
    {
        // A free port that nothing listens on: the connection is refused at once.
        var port = LoopbackPorts.Free();
        using var silo = ChildProcess.Start("silo", RepoPaths.Silo, "--postgres", $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres",
            "--silo-port", $"{LoopbackPorts.Free()}", "--gateway-port", $"{LoopbackPorts.Free()}", "--http", $"http://127.0.0.1:{LoopbackPorts.Free()}");

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the silo still runs without its database\n{silo.Tail()}");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains($"Cannot connect to PostgreSQL at 127.0.0.1:{port}", silo.Output);
        Assert.DoesNotContain("Unhandled exception", silo.Output);
    }

    [Fact]
    public async Task Silo_DeclaredDeadWhileFrozen_ExitsNonZeroOnItsOwn()
    {
        await _cluster.StartAsync(2);
        var (survivor, frozen) = (_cluster.Silos[0], _cluster.Silos[1].Process);

        // Frozen, the silo misses its probes; the other declares it dead in the membership table.
        frozen.Freeze();
        try
        {
            var clock = Stopwatch.StartNew();
            while (await postgres.ScalarAsync<long>($"SELECT count(*) FROM OrleansMembershipTable WHERE SiloName = '{_cluster.NameOf(1)}' AND Status = 6") == 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{_cluster.NameOf(1)} was not declared dead within 30 s\n{_cluster.Tails()}");
                await Task.Delay(100);
            }
            output.WriteLine($"frozen silo declared dead after {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            frozen.Resume();
        }

        // Resumed, it learns it was declared dead and must stop, and say so by its exit code.
        Assert.True(await frozen.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the silo declared dead still runs\n{frozen.Tail()}");
        output.WriteLine($"declared-dead silo exited with {frozen.ExitCode}; last lines:\n{frozen.Tail(5)}");
        Assert.NotEqual(0, frozen.ExitCode);

        // The survivor, asked to stop, stops cleanly: exit code 0 tells the supervisor not to restart it.
        await survivor.Process.StopAsync(TimeSpan.FromSeconds(20));
        Assert.True(survivor.Process.HasExited);
        Assert.Equal(0, survivor.Process.ExitCode);
    }
}
