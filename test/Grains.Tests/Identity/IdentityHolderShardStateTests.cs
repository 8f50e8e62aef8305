using MicroSeg.Grains.Common;
using MicroSeg.Grains.Identity;
using MicroSeg.Grains.Tests.Serialization;
using Orleans.Serialization;

namespace MicroSeg.Grains.Tests.Identity;

public sealed class IdentityHolderShardStateTests
{
    private static readonly Serializer Serializer = GrainSerializer.Instance;

    /// <summary>Shards stored in either earlier shape read back as the same holds, and are re-stored encoded.</summary>
    [Fact]
    public void StatesOfTheEarlierShapes_DecodeToTheSameHolds_AndStoreThemEncoded()
    {
        var old = new IdentityHolderShardState();
        old.Holds["w1"] = new SortedSet<string>(["app=a", "app=b"], StringComparer.Ordinal);
        old.Holds["w2"] = new SortedSet<string>(["app=c"], StringComparer.Ordinal);
        old.Holders["w2"] = ["app=d"];
        old.Holders["w3"] = ["app=e"];

        var stored = RoundTrip(old);
        var (holders, entries) = stored.Decode(Serializer, "test", out var moved);
        stored.Packed = entries.Pack();
        Assert.True(moved);
        var again = RoundTrip(stored);

        Assert.Empty(again.Holds);
        Assert.Empty(again.Holders);
        var (decoded, packed) = again.Decode(Serializer, "test", out var movedAgain);
        Assert.Equal(["w1", "w2", "w3"], packed.Entries.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.False(movedAgain);
        foreach (var read in new[] { holders, decoded })
        {
            Assert.Equal(["app=a", "app=b"], read["w1"].Order(StringComparer.Ordinal));
            Assert.Equal(["app=c", "app=d"], read["w2"].Order(StringComparer.Ordinal));
            Assert.Equal(["app=e"], read["w3"]);
        }
    }

    /// <summary>A shard written in the current shape is nothing to move.</summary>
    [Fact]
    public void StateOfTheCurrentShape_DecodesWithoutMoving()
    {
        var entries = new PackedEntries();
        entries["w1"] = Serializer.SerializeToArray(new[] { "app=a" });
        var state = new IdentityHolderShardState { Packed = entries.Pack() };

        var (holders, _) = RoundTrip(state).Decode(Serializer, "test", out var moved);

        Assert.False(moved);
        Assert.Equal(["app=a"], Assert.Single(holders).Value);
    }

    private static IdentityHolderShardState RoundTrip(IdentityHolderShardState state) =>
        Serializer.Deserialize<IdentityHolderShardState>(Serializer.SerializeToArray(state))!;
}
