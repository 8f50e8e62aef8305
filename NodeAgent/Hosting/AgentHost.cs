using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Flows;
using MicroSeg.NodeAgent.Interfaces;
using MicroSeg.NodeAgent.Programming;
using MicroSeg.NodeAgent.Rules;
using MicroSeg.NodeAgent.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using MicroSeg.Hosting;
using MicroSeg.NodeAgent.Hosting.Gateways;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>Composition root of the agent process.</summary>
internal static class AgentHost
{
    public static async Task<int> RunAsync(AgentOptions options, CancellationToken cancellationToken)
    {
        AgentTls? tls;
        try
        {
            tls = options.NoTls ? null : AgentTls.Load(options.TlsDirectory!, options.Node);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"microseg-agent: TLS: {e.Message}");
            return 2;
        }
        options = options with { Tls = tls };
        using var host = Build(options, logging => ConsoleLogFormat.Add(logging, options.LogFormat));
        // Every event of this process carries its node (a scope flows into the loops the host starts), so a
        // collector reading many agents' JSON lines can tell them apart without parsing messages.
        using var nodeScope = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MicroSeg.NodeAgent")
            .BeginScope(new Dictionary<string, object> { ["Node"] = options.Node });
        try
        {
            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (BpfException ex)
        {
            host.Services.GetRequiredService<ILogger<DatapathService>>().LogCritical("Data plane unavailable: {Error}", ex.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            // Stopped (SIGTERM, Ctrl-C) while the client was still waiting for its first gateway: an ordinary
            // stop, and like every stop it leaves the programs and pinned maps enforcing.
            return 0;
        }
    }

    /// <summary>The agent's host, not started; <paramref name="configure"/> may add services (e.g. an <see cref="IRevisionAppliedListener"/>).</summary>
    public static IHost Build(AgentOptions options, Action<ILoggingBuilder> logging, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        logging(builder.Logging);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // UnboundedGatewayRetry reports a missing gateway in one line; Orleans would add a stack trace per attempt.
        builder.Logging.AddFilter("Orleans.Runtime.Messaging.ConnectionManager", LogLevel.Error);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            LibBpfLog.Route(sp.GetRequiredService<ILoggerFactory>().CreateLogger("MicroSeg.Bpf.LibBpf"));
            return Datapath.Load(new DatapathOptions
            {
                ObjectPath = options.BpfObject,
                PinDirectory = options.PinDirectory,
                ConntrackMaxEntries = options.ConntrackEntries,
                ConntrackIPv6MaxEntries = options.ConntrackIPv6Capacity,
                EventRateLimit = options.FlowEventsPerSecond == 0
                    ? EventRateLimit.Unlimited
                    : new EventRateLimit { EventsPerSecond = options.FlowEventsPerSecond, Burst = options.FlowEventsPerSecond * 2 },
                // Each allowed flow reports its packets and bytes once per flow interval (FlowCollectionService sums them).
                FlowReportInterval = options.FlowInterval,
            });
        });
        builder.Services.AddSingleton<RulesInbox>();
        builder.Services.AddSingleton<RulesObserver>();
        builder.Services.AddSingleton(new InterfaceAllowList(options.Interfaces));
        builder.Services.AddSingleton<InterfaceResolver>();
        builder.Services.AddSingleton<InterfaceAttachments>();
        builder.Services.AddSingleton<DatapathProgrammer>();
        builder.Services.AddSingleton<ControlPlaneGuard>();
        builder.Services.AddSingleton<MonitorCounters>();
        builder.Services.AddSingleton<IRevisionAppliedListener>(sp => sp.GetRequiredService<MonitorCounters>());
        builder.Services.AddSingleton(sp => new ConntrackCollector(sp.GetRequiredService<Datapath>()));
        builder.Services.AddSingleton(new FlowOutbox(options.FlowBufferSamples));
        builder.Services.AddSingleton<FlowCounters>();
        builder.Services.AddSingleton<AgentFlowMetrics>();

        // Hosted services start in registration order. The data plane comes first so it enforces whatever is
        // pinned even while no gateway answers; the cluster client's start then waits for a gateway, and only
        // after it the subscription, which needs the cluster's grain manifest.
        builder.Services.AddHostedService<DatapathService>();
        builder.Services.AddHostedService<LinkWatcher>();
        builder.Services.AddSingleton<ConntrackCollectionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConntrackCollectionService>());
        builder.Services.AddHostedService<AgentMetricsEndpoint>();
        builder.Services.AddHostedService<FlowCollectionService>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "microseg";
                o.ServiceId = "microseg";
            });
            client.UseDnsGatewayClustering(o =>
            {
                o.Gateways = [.. options.Gateways];
                o.RefreshPeriod = options.GatewayRefresh;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.UseConnectionRetryFilter<UnboundedGatewayRetry>();
            options.Tls?.Configure(client);
        });
        builder.Services.AddSingleton<GatewayConnectionEvents>();
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayConnectionEvents>());
        builder.Services.AddSingleton<NodeSubscription>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeSubscription>());
        builder.Services.AddHostedService<FlowSender>();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
