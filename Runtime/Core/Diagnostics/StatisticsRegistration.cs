using MicroSeg.Runtime.Activation;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Diagnostics;

/// <summary>Registers the runtime's statistics in a silo.</summary>
internal static class StatisticsRegistration
{
    public static void AddRuntimeStatistics(IServiceCollection services)
    {
        // The silo-to-silo statistics grain lives in this assembly.
        services.AddSingleton(new GrainAssembly(typeof(SiloStatisticsGrain).Assembly));
        services.AddSingleton<ClusterStatisticsCollector>();
        services.AddSingleton<RuntimeStatistics>();
        services.AddSingleton<IRuntimeStatistics>(sp => sp.GetRequiredService<RuntimeStatistics>());
        services.AddHostedService(sp => sp.GetRequiredService<RuntimeStatistics>());
    }
}
