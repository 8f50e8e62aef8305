using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>The silo's grain storage writes Orleans' binary form and still reads rows written as Orleans' JSON.</summary>
[Collection(DurableClusterCollection.Name)]
public sealed class GrainStateSerializationTests(DurableClusterFixture fixture)
{
    private static readonly WorkloadRecord Record = new(new WorkloadSpec
    {
        Id = "w1",
        Node = "n1",
        Interface = "v1",
        Addresses = new List<string> { "198.18.0.1" },
        Labels = new Dictionary<string, string> { ["app"] = "web" },
    }, 300);

    [Fact]
    public void StorageSerializer_WritesBinary_AndReadsBothBinaryAndEarlierJsonRows()
    {
        var services = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;
        var serializer = services.GetRequiredService<IGrainStorageSerializer>();
        var json = new JsonGrainStorageSerializer(services.GetRequiredService<OrleansJsonSerializer>());
        var shard = new WorkloadIndexShardState();
        shard.Workloads[Record.Spec.Id] = Record;

        var written = serializer.Serialize(shard);
        Assert.NotEqual((byte)'{', written.ToMemory().Span[0]);
        Assert.Equal(Record.Identity, serializer.Deserialize<WorkloadIndexShardState>(written)!.Workloads["w1"].Identity);

        var earlier = json.Serialize(shard);
        Assert.Equal((byte)'{', earlier.ToMemory().Span[0]);
        var read = serializer.Deserialize<WorkloadIndexShardState>(earlier)!;
        Assert.Equal(["198.18.0.1"], read.Workloads["w1"].Spec.Addresses);
        Assert.Equal("web", read.Workloads["w1"].Spec.Labels["app"]);
        Assert.True(written.ToMemory().Length < earlier.ToMemory().Length);
    }
}
