using MicroSeg.Grains.Identity;
using MicroSeg.Grains.Tests.Serialization;
using Orleans.Serialization;

namespace MicroSeg.Grains.Tests.Identity;

public sealed class IdentityHolderShardStateTests
{
    private static readonly Serializer Serializer = GrainSerializer.Instance;

    /// <summary>A shard stored in the first shape (sorted sets) reads back and upgrades to the same holds.</summary>
    [Fact]
    public void StateOfTheFirstShape_ReadsBack_AndUpgradesToTheSameHolds()
    {
        var old = new IdentityHolderShardState();
        old.Holds["w1"] = new SortedSet<string>(["app=a", "app=b"], StringComparer.Ordinal);
        old.Holds["w2"] = new SortedSet<string>(["app=c"], StringComparer.Ordinal);

        var stored = Serializer.Deserialize<IdentityHolderShardState>(Serializer.SerializeToArray(old))!;
        Assert.True(stored.Upgrade());
        var again = Serializer.Deserialize<IdentityHolderShardState>(Serializer.SerializeToArray(stored))!;

        Assert.Empty(again.Holds);
        Assert.Equal(["app=a", "app=b"], again.Holders["w1"].Order(StringComparer.Ordinal));
        Assert.Equal(["app=c"], again.Holders["w2"]);
        Assert.False(again.Upgrade());
    }
}
