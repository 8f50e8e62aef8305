using System.Diagnostics;
using System.Net;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Silo.Hosting;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.NodeAgent.Rules;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Benchmarks.Policy;

/// <summary>
/// The latency benchmark's node agents, in the process that starts them: node n{i} gets a real agent (kernel maps)
/// for i below the real count and a <see cref="MemoryAgent"/> otherwise, each with its own Orleans client and
/// gateway connection, heartbeating as the product's agent does.
/// </summary>
internal sealed class AgentFleet : IAgentFleet
{
    private readonly List<IStampedAgent> _agents = [];
    private readonly List<IAsyncDisposable> _hosts = [];

    public TimeSpan? ProcessorTime => null;

    public static async Task<AgentFleet> StartAsync(int nodeCount, int realCount, int gatewayPort, string objectPath, string pinRoot)
    {
        var fleet = new AgentFleet();
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                if (i < realCount)
                {
                    var real = await RealAgent.StartAsync($"n{i}", gatewayPort, objectPath, pinRoot);
                    fleet._hosts.Add(real);
                    fleet._agents.Add(real);
                }
                else
                {
                    var (host, memory) = await StartMemoryAgentAsync($"n{i}", gatewayPort);
                    fleet._hosts.Add(host);
                    fleet._agents.Add(memory);
                }
            }
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
        var deadline = Stopwatch.StartNew();
        for (var i = 0; i < _agents.Count; i++)
        {
            while (_agents[i].Revision < revisions[i])
            {
                if (deadline.Elapsed > timeout)
                    throw new TimeoutException($"timed out waiting for agent n{i} to apply revision {revisions[i]} (it has {_agents[i].Revision})");
                await Task.Delay(20);
            }
        }
    }

    public Task<long[]> WhenAsync(string cidr, uint identity, bool present, TimeSpan timeout) =>
        Task.WhenAll(_agents.Select(a => a.WhenAsync(ip => (ip.TryGetValue(cidr, out var id) && id == identity) == present))).WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
    }

    private static async Task<(IAsyncDisposable, MemoryAgent)> StartMemoryAgentAsync(string node, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => o.ClusterId = o.ServiceId = SiloConfiguration.ClusterId);
            c.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
        });
        var host = builder.Build();
        // The client host starts once it is connected to the gateway.
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IClusterClient>();
        var agent = new MemoryAgent(TimeProvider.System);
        var reference = client.CreateObjectReference<INodeRulesObserver>(agent);
        var grain = client.GetGrain<INodeGrain>(node);
        agent.Resubscribe = async () =>
        {
            if (await grain.SubscribeAsync(reference, agent.LastAck) is { } rules)
                await agent.OnRulesAsync(rules);
        };
        await agent.Resubscribe();
        // The heartbeat of the real agent (AgentOptions.ResubscribePeriod): without it the node grain drops
        // this observer after its agent timeout and the agent silently stops receiving deltas.
        var heartbeat = new CancellationTokenSource();
        _ = HeartbeatAsync(agent, heartbeat.Token);
        return (new HostLifetime(host, heartbeat), agent);
    }

    private static async Task HeartbeatAsync(MemoryAgent agent, CancellationToken cancellation)
    {
        try
        {
            while (true)
            {
                await Task.Delay(NodeSubscription.NextHeartbeat(new AgentOptions().ResubscribePeriod), cancellation);
                try
                {
                    await agent.Resubscribe!();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick retries, as the real agent does.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class HostLifetime(IHost host, CancellationTokenSource heartbeat) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await heartbeat.CancelAsync();
            heartbeat.Dispose();
            await host.StopAsync();
            host.Dispose();
        }
    }
}
