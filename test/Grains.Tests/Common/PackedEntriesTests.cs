using MicroSeg.Grains.Common;

namespace MicroSeg.Grains.Tests.Common;

public sealed class PackedEntriesTests
{
    [Fact]
    public void Pack_ThenUnpack_GivesBackEveryEntry_IncludingEmptyAndLargeOnes()
    {
        var entries = new PackedEntries();
        entries["w1"] = [1, 2, 3];
        entries["ü-名前"] = [];
        entries["big"] = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        entries["gone"] = [9];
        Assert.True(entries.Remove("gone"));

        var read = PackedEntries.Unpack(entries.Pack(), "test");

        Assert.Equal(3, read.Count);
        var byKey = read.Entries.ToDictionary(e => e.Key, e => e.Value.ToArray());
        Assert.Equal([1, 2, 3], byKey["w1"]);
        Assert.Empty(byKey["ü-名前"]);
        Assert.Equal(Enumerable.Range(0, 70_000).Select(i => (byte)i), byKey["big"]);
        Assert.True(read.TryGetValue("w1", out var w1));
        Assert.Equal([1, 2, 3], w1.ToArray());
        Assert.False(read.TryGetValue("gone", out _));
    }

    [Fact]
    public void NoEntries_PackToAnEmptyArray_AndAnEmptyOrMissingArrayHasNone()
    {
        Assert.Empty(new PackedEntries().Pack());
        Assert.Equal(0, PackedEntries.Unpack([], "test").Count);
        Assert.Equal(0, PackedEntries.Unpack(null, "test").Count);
    }

    [Fact]
    public void ADamagedArray_IsRefusedNamingItsOwner()
    {
        var entries = new PackedEntries();
        entries["w1"] = [1, 2, 3, 4, 5];
        var packed = entries.Pack();

        var error = Assert.Throws<InvalidOperationException>(() => PackedEntries.Unpack(packed[..^2], "Workload index shard 7"));

        Assert.Contains("Workload index shard 7", error.Message);
    }
}
