using System.Diagnostics;
using System.Runtime.InteropServices;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.NodeAgent.Programming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// The real node agent (microseg-agent's host, in this process): it loads the BPF object, pins its maps
/// under a private directory, attaches to its endpoints' interfaces and programs the kernel maps; it is
/// stamped when a revision is in the maps (<see cref="IRevisionAppliedListener"/>).
/// </summary>
internal sealed class RealAgent : IRevisionAppliedListener, IStampedAgent, IAsyncDisposable
{
    private readonly IpcacheWatches _watches = new();
    private readonly IHost _host;

    private RealAgent(string node, int gatewayPort, string objectPath, string pinRoot)
    {
        var options = new AgentOptions
        {
            Node = node,
            Gateways = [$"127.0.0.1:{gatewayPort}"],
            BpfObject = objectPath,
            PinRoot = pinRoot,
            ConntrackEntries = 1 << 16,
            // Several agents share this process; none of them is scraped here.
            Metrics = null,
        };
        _host = AgentHost.Build(options, logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Error),
            services => services.AddSingleton<IRevisionAppliedListener>(this));
    }

    public long Revision => _watches.Revision;

    public static async Task<RealAgent> StartAsync(string node, int gatewayPort, string objectPath, string pinRoot)
    {
        var agent = new RealAgent(node, gatewayPort, objectPath, pinRoot);
        await agent._host.StartAsync();
        return agent;
    }

    public void OnApplied(NodeRules rules, long timestamp) =>
        _watches.Applied(rules.Revision, rules.IpCache.ToDictionary(i => i.Cidr, i => i.Identity), timestamp);

    public Task<long> WhenAsync(Func<IReadOnlyDictionary<string, uint>, bool> holds) => _watches.WhenAsync(holds);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>
/// Interfaces for the real agents' endpoints: one veth pair each (the host side is the endpoint, as a
/// pod's would be; this kernel has no dummy driver), created and deleted in batches with ip(8). They are deleted
/// on a stop by signal too (Ctrl-C, kill, a timeout): a run of 10 nodes creates 2,000 pairs, and pairs left behind
/// by a stopped run made every later run's agents watch thousands of links.
/// </summary>
internal sealed class EndpointInterfaces : IDisposable
{
    private readonly IReadOnlyList<string> _names;
    private readonly PosixSignalRegistration[] _signals;
    private int _disposed;

    private EndpointInterfaces(IReadOnlyList<string> names)
    {
        _names = names;
        // The default action (stopping the process) follows the handler; ProcessExit covers a stop from inside.
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => Dispose()))];
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    public static EndpointInterfaces Create(IReadOnlyList<string> names)
    {
        var created = new EndpointInterfaces(names);
        try
        {
            Batch(names.Select(n => $"link add {n} type veth peer name {n}p"));
        }
        catch
        {
            created.Dispose();
            throw;
        }
        return created;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var signal in _signals)
            signal.Dispose();
        // Deleting one side of a veth pair deletes both.
        Batch(_names.Select(n => $"link del {n}"), ignoreErrors: true);
    }

    private static void Batch(IEnumerable<string> commands, bool ignoreErrors = false)
    {
        var info = new ProcessStartInfo("ip", ["-force", "-batch", "-"]) { RedirectStandardInput = true, RedirectStandardError = true };
        using var ip = Process.Start(info)!;
        foreach (var command in commands)
            ip.StandardInput.WriteLine(command);
        ip.StandardInput.Close();
        var errors = ip.StandardError.ReadToEnd();
        ip.WaitForExit();
        if (ip.ExitCode != 0 && !ignoreErrors)
            throw new InvalidOperationException($"ip -batch failed: {errors.Trim()}");
    }
}
