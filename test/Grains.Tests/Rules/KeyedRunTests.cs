using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>A chunked run must hold, in key order, exactly what a sorted list given the same splices holds.</summary>
public sealed class KeyedRunTests
{
    private sealed record Item(string Key, int Version);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Spliced_RandomChanges_HoldsWhatASortedListHolds(int seed)
    {
        var random = new Random(seed);
        var expected = new SortedDictionary<string, Item>(StringComparer.Ordinal);
        var run = KeyedRun<Item>.Empty;
        for (var step = 0; step < 600; step++)
        {
            // Mostly a few changes; sometimes a burst that empties or fills a stretch of the run.
            var burst = step % 50 == 49;
            var gone = expected.Values.Where(_ => random.Next(burst ? 2 : 40) == 0).ToList();
            foreach (var item in gone)
                expected.Remove(item.Key);
            var coming = new List<Item>();
            for (var n = random.Next(burst ? 300 : 12); n > 0; n--)
            {
                var item = new Item($"k{random.Next(4000):D4}", step);
                if (expected.TryAdd(item.Key, item))
                    coming.Add(item);
            }
            // Replacements: the same key leaves and comes back as another item in one splice.
            foreach (var old in expected.Values.Where(i => i.Version != step && random.Next(60) == 0).ToList())
            {
                gone.Add(old);
                coming.Add(expected[old.Key] = old with { Version = step });
            }

            run = run.Spliced(gone, coming, i => i.Key, ReferenceEqualityComparer.Instance);

            Assert.Equal(expected.Values, run);
            Assert.Equal(expected.Count, run.Count);
            Assert.Equal(expected.Values, Enumerable.Range(0, run.Count).Select(i => run[i]));
            var sizes = run.ChunkSizes.ToList();
            Assert.All(sizes, size => Assert.InRange(size, 1, KeyedRun<Item>.MaxChunk));
            // Only the first chunk may be short: a short one is joined to the chunk before it.
            Assert.All(sizes.Skip(1), size => Assert.True(size >= KeyedRun<Item>.MaxChunk / 4, $"a chunk of {size} items after the first"));
        }
    }

    [Fact]
    public void Spliced_OneItemIntoALongRun_CopiesOnlyItsChunk()
    {
        var items = Enumerable.Range(0, 1000).Select(i => new Item($"k{i * 2:D5}", 0)).ToList();
        var run = KeyedRun<Item>.Empty.Spliced([], items, i => i.Key, ReferenceEqualityComparer.Instance);
        var chunks = run.ChunkSizes.Count();

        var next = run.Spliced([items[500]], [new Item("k01001", 1)], i => i.Key, ReferenceEqualityComparer.Instance);

        Assert.Equal(chunks - 1, next.SharedChunks(run));
        Assert.Equal(1000, next.Count);
        Assert.Same(items[499], next[499]);
        Assert.Equal("k01001", next[500].Key);
    }

    [Fact]
    public void Spliced_NothingToChange_ReturnsTheSameRun()
    {
        var run = KeyedRun<Item>.Empty.Spliced([], [new Item("a", 0)], i => i.Key, ReferenceEqualityComparer.Instance);

        Assert.Same(run, run.Spliced([new Item("a", 0)], [], i => i.Key, ReferenceEqualityComparer.Instance));
        Assert.Same(KeyedRun<Item>.Empty, run.Spliced([run[0]], [], i => i.Key, ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void Indexer_OutOfRange_Throws()
    {
        var run = KeyedRun<Item>.Empty.Spliced([], [new Item("a", 0)], i => i.Key, ReferenceEqualityComparer.Instance);

        Assert.Throws<ArgumentOutOfRangeException>(() => run[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => run[-1]);
    }
}
