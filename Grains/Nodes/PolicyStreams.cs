using MicroSeg.Grains.Interfaces.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// The stream that carries persisted changes to the fan-out stage. A silo that hosts the grains must
/// register a stream provider named <see cref="Provider"/>: ADO.NET on PostgreSQL in a cluster (survives a
/// silo kill), memory on a single embedded silo and in tests (node grains reconcile whatever is lost).
/// </summary>
public static class PolicyStreams
{
    /// <summary>Name of the stream provider the grains publish to.</summary>
    public const string Provider = "policy";

    /// <summary>Stream namespace of <see cref="PolicyChange"/> events; the stream key partitions the fan-out.</summary>
    public const string Changes = "policy-changes";

    /// <summary>Key of the stream for changes that concern no one namespace.</summary>
    public const string ClusterKey = "cluster";

    /// <summary>
    /// Appends <paramref name="change"/> to the stream of <paramref name="key"/>. Returns once the event is
    /// stored: delivery to the fan-out stage (and from there to node grains) happens at least once after.
    /// </summary>
    internal static Task PublishAsync(Grain grain, string key, PolicyChange change) =>
        grain.GrainContext.ActivationServices.GetRequiredService<PolicyChangeStreams>().PublishAsync(key, change);
}
