using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// How grain state is encoded in storage (SQLite and PostgreSQL alike): Orleans' binary serializer, with
/// Orleans' JSON serializer as the fallback reader for rows written before this choice. Orleans' default, JSON
/// with type names, cost a large share of a write's CPU for the index and holder shards, whose state grows
/// with the cluster (≈ 50 records per shard at 50,000 workloads); the binary form is smaller and several times
/// cheaper to produce. Every state type already carries [GenerateSerializer] and stable [Id]s for grain calls,
/// so the stored form follows the same versioning rules as the messages.
/// </summary>
public static class GrainStateSerialization
{
    /// <summary>The serializer every storage provider of the silo uses unless configured otherwise.</summary>
    public static IGrainStorageSerializer Create(IServiceProvider services) => new GrainStorageSerializer(
        new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
        new JsonGrainStorageSerializer(services.GetRequiredService<OrleansJsonSerializer>()));
}
