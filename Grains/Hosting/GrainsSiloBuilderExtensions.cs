using MicroSeg.Grains.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace MicroSeg.Grains;

/// <summary>Registers what MicroSeg's grains need from their silo.</summary>
public static class GrainsSiloBuilderExtensions
{
    /// <summary>Adds the silo-wide services the grains share (e.g. one reader of cluster inputs per silo).</summary>
    public static ISiloBuilder AddMicroSegGrains(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<ClusterInputsLoader>();
        silo.Services.TryAddSingleton<PolicyChangeStreams>();
        return silo;
    }
}
