using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using MicroSeg.Testing.Sockets;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// docs/operations.md's three-host cluster, on this machine: three silos and two agents started from the command
/// lines of deploy/systemd's units with their EnvironmentFile templates (only the host-specific values changed:
/// addresses, ports, names, the database), on a real PostgreSQL. Then its rolling upgrade: one silo stopped and
/// started again while the agents keep converging through the others. Real binaries; needs 'make build' and root.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class SystemdClusterStepsTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microseg-systemd-").FullName;
    private readonly string _pinRoot = $"/sys/fs/bpf/microseg-sd-{Guid.NewGuid():N}"[..36];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<ChildProcess> _processes = [];
    private readonly List<SiloApi> _apis = [];
    private readonly Dictionary<SiloApi, ChildProcess> _siloOf = [];

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ThreeSilosTwoAgents_FromTheUnits_ConvergeAndSurviveARollingRestart()
    {
        var token = AdminTokenFile.Write(Path.Combine(_dir, AdminTokenFile.Name));
        var silos = Enumerable.Range(1, 3).Select(i => new SiloHost($"sd{_run}-silo-{i}", LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free())).ToList();
        for (var i = 0; i < silos.Count; i++)
            StartSilo(silos[i], token);
        foreach (var api in _apis)
            await WaitActiveSilosAsync(api, silos.Count);

        var nodes = new[] { $"sd{_run}-node-a", $"sd{_run}-node-b" };
        var gateways = string.Join(',', silos.Select(s => $"127.0.0.1:{s.Gateway}"));
        foreach (var node in nodes)
            StartAgent(node, gateways);
        foreach (var node in nodes)
            await _apis[0].WaitConvergedAsync(node, TimeSpan.FromSeconds(60), [.. _processes]);

        // A change through one silo reaches both agents.
        await _apis[1].SendOkAsync(HttpMethod.Put, $"/api/v1/policies/sd{_run}-web-in", new
        {
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            ingress = new[] { new { ports = new[] { new { protocol = "TCP", port = 80 } } } },
        });
        foreach (var node in nodes)
            await _apis[2].WaitConvergedAsync(node, TimeSpan.FromSeconds(30), [.. _processes]);

        // Rolling upgrade, one silo at a time: stop silo 1 (systemctl stop), change through silo 2, start silo 1 again.
        var first = _processes[0];
        await first.StopAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, first.ExitCode);
        await _apis[1].SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/sd{_run}-web", new
        {
            node = nodes[0], addresses = new[] { "198.18.93.1" }, labels = new Dictionary<string, string> { ["app"] = "web" },
        });
        foreach (var node in nodes)
            await _apis[1].WaitConvergedAsync(node, TimeSpan.FromSeconds(30), [.. _processes]);
        StartSilo(silos[0], token);
        await WaitActiveSilosAsync(_apis[^1], silos.Count);
        var status = await _apis[^1].WaitConvergedAsync(nodes[0], TimeSpan.FromSeconds(30), [.. _processes]);
        output.WriteLine(status.ToJsonString());
    }

    /// <summary>The cluster CA of this run, as an operator keeps it on an admin machine (docs/operations.md).</summary>
    private string CaDirectory => Path.Combine(_dir, "cluster-ca");

    private sealed record SiloHost(string Name, int Http, int SiloPort, int Gateway);

    /// <summary>What `systemctl start microseg-silo` runs with /etc/microseg/silo.env made from the template for this host.</summary>
    private void StartSilo(SiloHost host, string token)
    {
        var unit = SystemdUnit.Load("microseg-silo.service");
        Assert.Equal("/etc/microseg/silo.env", unit.EnvironmentFile);
        var env = SystemdUnit.ReadEnvironment("silo.env");
        env["MICROSEG_POSTGRES"] = postgres.ConnectionString;
        var args = env["MICROSEG_SILO_ARGS"];
        foreach (var (option, value) in new[]
        {
            ("--advertise", "127.0.0.1"), ("--name", host.Name), ("--http", $"http://127.0.0.1:{host.Http}"), ("--silo-port", $"{host.SiloPort}"),
            ("--gateway-port", $"{host.Gateway}"), ("--data", Path.Combine(_dir, host.Name)), ("--admin-token-file", Path.Combine(_dir, AdminTokenFile.Name)),
            ("--tls-dir", ClusterCertificates.Issue(CaDirectory, "silo", host.Name, "127.0.0.1")),
        })
        {
            Assert.Contains(option, args); // the template sets it: the test only changes its value
            args = SystemdUnit.WithOption(args, option, value);
        }
        env["MICROSEG_SILO_ARGS"] = args;
        var (program, argv) = unit.Expand(env);
        Assert.Equal("/opt/microseg/bin/microseg-silo", program);
        Assert.DoesNotContain(argv, a => a.Contains("Password", StringComparison.OrdinalIgnoreCase) || a.Contains("Host=", StringComparison.Ordinal));
        var process = ChildProcess.Start(host.Name, RepoPaths.Silo, env, argv);
        var api = new SiloApi(new Uri($"http://127.0.0.1:{host.Http}"), token);
        _processes.Add(process);
        _apis.Add(api);
        _siloOf[api] = process;
    }

    /// <summary>What `systemctl start microseg-agent` runs with /etc/microseg/agent.env made from the template for this node.</summary>
    private void StartAgent(string node, string gateways)
    {
        var unit = SystemdUnit.Load("microseg-agent.service");
        Assert.Equal("/etc/microseg/agent.env", unit.EnvironmentFile);
        var env = SystemdUnit.ReadEnvironment("agent.env");
        env["MICROSEG_NODE"] = node;
        env["MICROSEG_GATEWAYS"] = gateways;
        var args = SystemdUnit.WithOption(env["MICROSEG_AGENT_ARGS"], "--bpf-object", RepoPaths.BpfObject);
        args = SystemdUnit.WithOption(args, "--metrics-listen", $"127.0.0.1:{LoopbackPorts.Free()}");
        Assert.Contains("--tls-dir", args);
        args = SystemdUnit.WithOption(args, "--tls-dir", ClusterCertificates.Issue(CaDirectory, "agent", node));
        // Test-only: the agents of this run pin under their own folder instead of /sys/fs/bpf/microseg.
        env["MICROSEG_AGENT_ARGS"] = SystemdUnit.WithOption(args, "--pin-root", _pinRoot);
        var (program, argv) = unit.Expand(env);
        Assert.Equal("/opt/microseg/bin/microseg-agent", program);
        Assert.Equal(["--node", node, "--gateway", gateways], argv[..4]);
        _processes.Add(ChildProcess.Start(node, RepoPaths.Agent, env, argv));
    }

    private async Task WaitActiveSilosAsync(SiloApi api, int count)
    {
        await api.WaitHealthyAsync(_siloOf[api], TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var silos = (await api.SendOkAsync(HttpMethod.Get, "/api/v1/cluster"))!["silos"]!.AsArray();
            if (silos.Count(s => s!["status"]!.GetValue<string>() == "Active") == count)
                return;
            Assert.True(DateTime.UtcNow < deadline, $"{count} active silos not seen: {silos.ToJsonString()}\n{string.Join('\n', _processes.Select(p => p.Tail(15)))}");
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        // Agents first (they would reconnect), then silos; every process is stopped whatever the outcome.
        foreach (var process in _processes.AsEnumerable().Reverse())
        {
            await process.StopAsync(TimeSpan.FromSeconds(15));
            output.WriteLine(process.Tail(10));
            process.Dispose();
        }
        _apis.ForEach(a => a.Dispose());
        foreach (var path in new[] { _pinRoot, _dir })
        {
            try
            {
                if (Directory.Exists(path))
                    Directory.Delete(path, recursive: true);
            }
            catch (IOException e)
            {
                output.WriteLine($"could not remove {path}: {e.Message}");
            }
        }
    }
}
