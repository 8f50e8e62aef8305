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
        var entries = stored.Decode(Serializer, "test", out var moved);
        stored.Packed = entries.Pack();
        Assert.True(moved);
        var again = RoundTrip(stored);

        Assert.Empty(again.Holds);
        Assert.Empty(again.Holders);
        var packed = again.Decode(Serializer, "test", out var movedAgain);
        Assert.Equal(["w1", "w2", "w3"], packed.Entries.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.False(movedAgain);
        foreach (var read in new[] { entries, packed })
        {
            Assert.Equal(["app=a", "app=b"], IdentityHolderShardState.KeysOf(read, "w1", Serializer).Order(StringComparer.Ordinal));
            Assert.Equal(["app=c", "app=d"], IdentityHolderShardState.KeysOf(read, "w2", Serializer).Order(StringComparer.Ordinal));
            Assert.Equal(["app=e"], IdentityHolderShardState.KeysOf(read, "w3", Serializer));
            Assert.Empty(IdentityHolderShardState.KeysOf(read, "w4", Serializer));
        }
    }

    /// <summary>A shard written in the current shape is nothing to move.</summary>
    [Fact]
    public void StateOfTheCurrentShape_DecodesWithoutMoving()
    {
        var entries = new PackedEntries();
        entries["w1"] = Serializer.SerializeToArray(new[] { "app=a" });
        var state = new IdentityHolderShardState { Packed = entries.Pack() };

        var read = RoundTrip(state).Decode(Serializer, "test", out var moved);

        Assert.False(moved);
        Assert.Equal("w1", Assert.Single(read.Entries).Key);
        Assert.Equal(["app=a"], IdentityHolderShardState.KeysOf(read, "w1", Serializer));
    }

    private static IdentityHolderShardState RoundTrip(IdentityHolderShardState state) =>
        Serializer.Deserialize<IdentityHolderShardState>(Serializer.SerializeToArray(state))!;
}
