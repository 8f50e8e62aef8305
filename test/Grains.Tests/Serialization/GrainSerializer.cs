using MicroSeg.Grains.Interfaces.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace MicroSeg.Grains.Tests.Serialization;

/// <summary>The Orleans serializer with the contract and grain assemblies' codecs, as a silo has it.</summary>
internal static class GrainSerializer
{
    public static readonly Serializer Instance = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(WorkloadSpec).Assembly).AddAssembly(typeof(GrainsAssembly).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();
}
