using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Programming;
using MicroSeg.NodeAgent.Rules;
using MicroSeg.Runtime;
using MicroSeg.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>Composition root of the agent process.</summary>
internal static class AgentHost
{
    public static async Task<int> RunAsync(AgentOptions options, CancellationToken cancellationToken)
    {
        using var host = Build(options, logging => logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        }));
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
    }

    /// <summary>The agent's host, not started; <paramref name="configure"/> may add services (e.g. an <see cref="IRevisionAppliedListener"/>).</summary>
    public static IHost Build(AgentOptions options, Action<ILoggingBuilder> logging, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        logging(builder.Logging);
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
            });
        });
        builder.Services.AddSingleton<RulesInbox>();
        builder.Services.AddSingleton<RulesObserver>();
        builder.Services.AddSingleton<DatapathProgrammer>();
        builder.Services.AddHostedService<DatapathService>();
        builder.Services.AddSingleton(sp => new ConntrackCollector(sp.GetRequiredService<Datapath>()));
        builder.Services.AddHostedService<ConntrackCollectionService>();
        builder.Services.AddSingleton<NodeSubscription>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeSubscription>());
        builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<NodeSubscription>());
        builder.UseMicroSegClient(client => client.UseStaticGateways([.. options.Gateways]));
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
