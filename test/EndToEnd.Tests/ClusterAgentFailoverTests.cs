using System.Diagnostics;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// An agent connected to a three-silo cluster (its --gateway lists every silo) enforces a policy on real veth
/// traffic, keeps enforcing when the silo it was connected to is killed with SIGKILL, and follows a policy change
/// made afterwards through another silo. Real binaries, root, namespaces and veths of its own; needs 'make build'.
/// </summary>
[Collection(RealClusterCollection.Name)]
public sealed class ClusterAgentFailoverTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private static readonly int[] Ports = [80, 81];
    private readonly SiloCluster _cluster = new(postgres, "fo-silo");
    private readonly string _pinRoot = $"/sys/fs/bpf/microseg-e2e-{Guid.NewGuid():N}"[..40];
    private readonly List<IDisposable> _listeners = [];
    private TestNetwork? _network;
    private ChildProcess? _agent;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.StopAsync(TimeSpan.FromSeconds(20));
            output.WriteLine(_agent.Tail(40));
            _agent.Dispose();
        }
        await _cluster.DisposeAsync();
        _listeners.ForEach(l => l.Dispose());
        _network?.Dispose();
        if (Directory.Exists(_pinRoot))
            Directory.Delete(_pinRoot, recursive: true);
    }

    [Fact]
    public async Task Policy_SiloOfTheAgentKilledWithSigkill_StaysEnforcedAndLaterChangesArrive()
    {
        await _cluster.StartAsync(3);
        _network = TestNetwork.Create();
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = AddPod("a", "198.18.0.1/24"),
            ["b"] = AddPod("b", "198.18.0.2/24"),
        };
        var node = $"fo-{_network.Bridge.ToLowerInvariant()}";
        _agent = ChildProcess.Start("agent", RepoPaths.Agent, "--node", node,
            "--gateway", string.Join(',', _cluster.GatewayPorts.Select(p => $"127.0.0.1:{p}")),
            "--pin-root", _pinRoot, "--bpf-object", RepoPaths.BpfObject, "--tls-dir", _cluster.IssueAgentCertificate(node));
        var api = _cluster.Silos[0].Api;
        foreach (var (name, pod) in pods)
        {
            await api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{name}", new
            {
                node,
                @interface = pod.HostInterface,
                addresses = new[] { pod.Address.ToString() },
                labels = new Dictionary<string, string> { ["app"] = name },
            });
        }
        await api.SendOkAsync(HttpMethod.Put, "/api/v1/policies/b-accepts-a", Policy(80));
        await api.WaitConvergedAsync(node, TimeSpan.FromSeconds(30), Logs);
        await Connectivity.ExpectAsync(output, "policy on port 80", Connectivity.Matrix(pods, Ports, Allows(80)), Logs);

        // The Orleans client keeps a connection to every gateway it was given; the first silo is one of them and the
        // one the workloads and policy were written through.
        const int connected = 0;
        var gateways = await ConnectedSilosAsync();
        Assert.Contains(connected, gateways);
        var victim = _cluster.Silos[connected].Process;
        output.WriteLine($"agent connected to the gateways of silos [{string.Join(", ", gateways)}]; kill -9 {victim.Name}");
        await victim.KillAsync();
        var clock = Stopwatch.StartNew();
        await Connectivity.ExpectAsync(output, "right after the kill", Connectivity.Matrix(pods, Ports, Allows(80)), Logs);

        // A change made through a surviving silo reaches the agent: it found another gateway on its own.
        var survivor = _cluster.Silos[(connected + 1) % 3].Api;
        await WriteWhenAvailableAsync(survivor, "/api/v1/policies/b-accepts-a", Policy(80, 81));
        await survivor.WaitConvergedAsync(node, TimeSpan.FromSeconds(30), Logs);
        output.WriteLine($"policy change after the kill applied by the agent {clock.Elapsed.TotalSeconds:0.0} s after the kill");
        await Connectivity.ExpectAsync(output, "policy on ports 80 and 81 after the kill", Connectivity.Matrix(pods, Ports, Allows(80, 81)), Logs);
        Assert.False(_agent.HasExited, $"the agent exited\n{_agent.Tail()}");
    }

    private ChildProcess[] Logs => [.. _cluster.Silos.Select(s => s.Process), .. _agent is null ? Array.Empty<ChildProcess>() : [_agent]];

    private TestPod AddPod(string name, string cidr)
    {
        var pod = _network!.AddPod(name, cidr);
        _listeners.AddRange(Ports.Select(pod.ListenTcp));
        return pod;
    }

    /// <summary>Indexes of the silos whose gateway port the agent process holds an established TCP connection to (ss).</summary>
    private async Task<List<int>> ConnectedSilosAsync()
    {
        var start = new ProcessStartInfo("ss", "-Htnp state established") { RedirectStandardOutput = true };
        using var ss = Process.Start(start)!;
        var lines = (await ss.StandardOutput.ReadToEndAsync()).Split('\n').Where(l => l.Contains($"pid={_agent!.Pid},", StringComparison.Ordinal)).ToList();
        await ss.WaitForExitAsync();
        return [.. Enumerable.Range(0, 3).Where(i => lines.Any(l => l.Contains($" 127.0.0.1:{_cluster.GatewayPorts[i]} ", StringComparison.Ordinal)))];
    }

    /// <summary>PUT, retried while the cluster answers 503 (membership still settling after the kill).</summary>
    private static async Task WriteWhenAvailableAsync(SiloApi api, string path, object body)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var response = await api.SendAsync(HttpMethod.Put, path, body);
            if (response.IsSuccessStatusCode)
                return;
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 503 && DateTime.UtcNow < deadline, $"PUT {path} answered {(int)response.StatusCode}: {text}");
            await Task.Delay(250);
        }
    }

    /// <summary>"app=b accepts TCP on <paramref name="ports"/> from app=a": b is isolated for ingress.</summary>
    private static object Policy(params int[] ports) => new
    {
        selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "b" } },
        ingress = new[]
        {
            new
            {
                from = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "a" } } } },
                ports = ports.Select(p => new { protocol = "TCP", port = p }).ToArray(),
            },
        },
    };

    private static Func<string, string, int, bool> Allows(params int[] ports) => (from, to, port) => to != "b" || (from == "a" && ports.Contains(port));
}
