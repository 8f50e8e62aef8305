using MicroSeg.Testing.Sockets;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A whole MicroSeg installation for one test: a silo process (embedded SQLite in a temp folder,
/// free ports), any number of agent processes (each a "node" with its own pinned maps), and a
/// test network of pods. Everything is stopped and removed on dispose, whatever the outcome.
/// </summary>
internal sealed class MicroSegSystem : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("microseg-e2e-").FullName;
    private readonly string _pinRoot = $"/sys/fs/bpf/microseg-e2e-{Guid.NewGuid():N}"[..40];
    private readonly string[] _siloArgs;
    private readonly int _gatewayPort = LoopbackPorts.Free();
    private readonly Dictionary<string, ChildProcess> _agents = [];
    private readonly Dictionary<string, int> _metricsPorts = [];
    private readonly List<IDisposable> _listeners = [];

    private MicroSegSystem(ITestOutputHelper output, string[] extraSiloArgs)
    {
        _output = output;
        var httpPort = LoopbackPorts.Free();
        _siloArgs = ["--http", $"http://127.0.0.1:{httpPort}", "--gateway-port", $"{_gatewayPort}", "--silo-port", $"{LoopbackPorts.Free()}", "--data", _dataDir, .. extraSiloArgs];
        // The silo registers the admin token it finds in its data directory, as an operator's provisioning would.
        Api = new SiloApi(new Uri($"http://127.0.0.1:{httpPort}"), AdminTokenFile.Write(Path.Combine(_dataDir, AdminTokenFile.Name)));
        Network = TestNetwork.Create();
    }

    public TestNetwork Network { get; }

    /// <summary>The silo's Orleans gateway port, which agents connect to.</summary>
    public int GatewayPort => _gatewayPort;

    public SiloApi Api { get; }

    public ChildProcess Silo { get; private set; } = null!;

    public IReadOnlyCollection<string> Nodes => _agents.Keys;

    /// <summary>Every process, for failure messages.</summary>
    public ChildProcess[] Logs => [Silo, .. _agents.Values];

    /// <summary>Starts the silo (with <paramref name="extraSiloArgs"/> after the system's own flags) and waits until it is healthy.</summary>
    public static async Task<MicroSegSystem> StartAsync(ITestOutputHelper output, params string[] extraSiloArgs)
    {
        for (var attempt = 1; ; attempt++)
        {
            var system = new MicroSegSystem(output, extraSiloArgs);
            try
            {
                system.Silo = ChildProcess.Start("silo", RepoPaths.Silo, system._siloArgs);
                await system.Api.WaitHealthyAsync(system.Silo, TimeSpan.FromSeconds(60));
                return system;
            }
            catch (Exception ex)
            {
                await system.DisposeAsync();
                // The ports were free when picked, but another test's process may bind one before the silo does: the
                // silo says so and exits, and a fresh set of ports is tried. Any other failure is the test's.
                if (attempt == 3 || !ex.Message.Contains("a port is already in use", StringComparison.Ordinal))
                    throw;
                output.WriteLine($"silo start {attempt}: a picked port was taken meanwhile; trying other ports");
            }
        }
    }

    /// <summary>A unique node name for this run (agents of parallel runs never share pinned maps).</summary>
    public string NodeName(string suffix) => $"e2e-{Network.Bridge.ToLowerInvariant()}-{suffix}";

    /// <summary>How agents started from now on name the silo's gateway in --gateway: an address (default 127.0.0.1) or a host name.</summary>
    public string GatewayHost { get; set; } = "127.0.0.1";

    /// <summary>The bpffs folder the agents pin under (one sub-folder per node).</summary>
    public string PinRoot => _pinRoot;

    /// <summary>Starts the node's agent; a previous agent of the node must have exited (its log goes to the test output).</summary>
    public void StartAgent(string node, params string[] extraArgs)
    {
        var metrics = _metricsPorts[node] = LoopbackPorts.Free();
        if (_agents.Remove(node, out var previous))
        {
            Assert.True(previous.HasExited, $"agent {node} is still running");
            _output.WriteLine(previous.Tail(60));
            previous.Dispose();
        }
        _agents[node] = ChildProcess.Start($"agent {node}", RepoPaths.Agent, ["--node", node, "--gateway", $"{GatewayHost}:{_gatewayPort}",
            "--tls-dir", IssueAgentCertificate(node),
            "--pin-root", _pinRoot, "--bpf-object", RepoPaths.BpfObject, "--metrics", $"127.0.0.1:{metrics}", .. extraArgs]);
    }

    /// <summary>The embedded silo's TLS directory: its CA (made on first start), its own certificate, and the agents' issued ones.</summary>
    public string TlsDirectory => Path.Combine(_dataDir, "tls");

    /// <summary>Issues (once) the certificate of <paramref name="node"/>'s agent from the silo's CA; the directory to give as --tls-dir.</summary>
    public string IssueAgentCertificate(string node) => ClusterCertificates.Issue(TlsDirectory, "agent", node);

    /// <summary>The node's running (or exited) agent process.</summary>
    public ChildProcess Agent(string node) => _agents[node];

    /// <summary>Registers <paramref name="pod"/> as workload <paramref name="id"/> of <paramref name="node"/>, labelled app=<paramref name="id"/>.</summary>
    public Task RegisterAsync(string node, string id, TestPod pod) =>
        Api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", new
        {
            node, @interface = pod.HostInterface, addresses = new[] { pod.Address.ToString() }, labels = new Dictionary<string, string> { ["app"] = id },
        });

    /// <summary>The agent's Prometheus text (its --metrics endpoint).</summary>
    public async Task<string> AgentMetricsAsync(string node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://127.0.0.1:{_metricsPorts[node]}/metrics");
    }

    /// <summary>Runs <c>microseg-agent ARGS --pin-root (this system's)</c> to completion; its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunAgentCommandAsync(params string[] args)
    {
        using var command = ChildProcess.Start("agent command", RepoPaths.Agent, [.. args, "--pin-root", _pinRoot]);
        Assert.True(await command.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"microseg-agent {string.Join(' ', args)} did not exit\n{command.Tail()}");
        return (command.ExitCode, command.Output);
    }

    /// <summary>What an operator's accident does to an embedded silo: every file of its store is gone.</summary>
    public void DeleteSiloData()
    {
        Assert.True(Silo.HasExited, "stop the silo before deleting its data");
        foreach (var file in Directory.EnumerateFiles(_dataDir))
            File.Delete(file);
    }

    /// <summary>A pod listening on the given TCP ports.</summary>
    public TestPod AddPod(string name, string cidr, params int[] ports)
    {
        var pod = Network.AddPod(name, cidr);
        _listeners.AddRange(ports.Select(pod.ListenTcp));
        return pod;
    }

    /// <summary>Waits until every agent has applied its node's current revision.</summary>
    public async Task ConvergeAsync()
    {
        foreach (var node in _agents.Keys)
            await Api.WaitConvergedAsync(node, TimeSpan.FromSeconds(30), Logs);
    }

    public async Task StopSiloAsync()
    {
        await Silo.StopAsync(TimeSpan.FromSeconds(20));
        Assert.True(Silo.ExitCode == 0, $"the silo exited with {Silo.ExitCode}\n{Silo.Tail()}");
    }

    public async Task StartSiloAgainAsync()
    {
        Silo.Dispose();
        Silo = ChildProcess.Start("silo (restarted)", RepoPaths.Silo, _siloArgs);
        await Api.WaitHealthyAsync(Silo, TimeSpan.FromSeconds(60));
        // After DeleteSiloData the silo made a new admin token, as it does on a first start: read it as its operator would.
        Api.UseToken(await AdminTokenFile.ReadAsync(Path.Combine(_dataDir, AdminTokenFile.Name), TimeSpan.FromSeconds(30)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            await agent.StopAsync(TimeSpan.FromSeconds(20));
            _output.WriteLine(agent.Tail(60));
            agent.Dispose();
        }
        if (Silo is not null)
        {
            await Silo.StopAsync(TimeSpan.FromSeconds(20));
            _output.WriteLine(Silo.Tail(60));
            Silo.Dispose();
        }
        _listeners.ForEach(l => l.Dispose());
        Network.Dispose();
        Api.Dispose();
        TryDelete(_pinRoot);
        TryDelete(_dataDir);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp folder must not hide the test's real outcome.
        }
    }
}
