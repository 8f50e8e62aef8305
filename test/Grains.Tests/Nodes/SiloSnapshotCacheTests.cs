using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Nodes;

namespace MicroSeg.Grains.Tests.Nodes;

public sealed class SiloSnapshotCacheTests
{
    [Fact]
    public async Task ConcurrentReadersOfOneVersion_FetchOnce_AndShareOneList()
    {
        var cache = new SiloSnapshotCache<int>();
        var fetches = 0;
        var release = new TaskCompletionSource<IndexSnapshot<int>>();
        Task<IndexSnapshot<int>> Fetch()
        {
            Interlocked.Increment(ref fetches);
            return release.Task;
        }

        var readers = Enumerable.Range(0, 50).Select(_ => cache.GetAsync("v1", Fetch)).ToList();
        release.SetResult(new IndexSnapshot<int>("v1", [1, 2, 3]));
        var lists = await Task.WhenAll(readers);

        Assert.Equal(1, fetches);
        Assert.All(lists, l => Assert.Same(lists[0], l));
        Assert.Same(lists[0], await cache.GetAsync("v1", Fetch));
        Assert.Equal(1, fetches);
    }

    [Fact]
    public async Task NewVersion_FetchesAgain_FailedFetch_IsRetried()
    {
        var cache = new SiloSnapshotCache<int>();
        await cache.GetAsync("v1", () => Task.FromResult(new IndexSnapshot<int>("v1", [1])));

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("v2", () => Task.FromException<IndexSnapshot<int>>(new InvalidOperationException("index unreachable"))));
        Assert.Equal([1, 2], (await cache.GetAsync("v2", () => Task.FromResult(new IndexSnapshot<int>("v2", [1, 2])))).Items);
    }
}
