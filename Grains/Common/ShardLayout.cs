using System.Globalization;

namespace MicroSeg.Grains.Common;

/// <summary>
/// How a table kept in shard grains (the workload index, the identity holders) is split: how many shards, and the
/// grain key of each. An id's shard is FNV-1a of the id, stable across processes (string hash codes are not), so the
/// layout is part of what is stored: a table moves to a new layout once (<see cref="Current"/>), never silently.
/// </summary>
internal sealed class ShardLayout
{
    /// <summary>
    /// The first layout: 1,024 shards keyed "0" to "1023". At 50,000 workloads each shard held ≈ 50 records, and every
    /// change serialized and stored its whole shard.
    /// </summary>
    public static readonly ShardLayout First = new(1024, legacyKeys: true);

    /// <summary>
    /// The layout tables are kept in: 4,096 shards keyed "i/4096", ≈ 12 records each at 50,000 workloads, so a change
    /// stores a quarter of what it did; reading the whole table back (at activation, every few seconds for the index)
    /// is 4,096 small calls instead of 1,024 larger ones.
    /// </summary>
    public static readonly ShardLayout Current = new(4096, legacyKeys: false);

    private readonly bool _legacyKeys;

    private ShardLayout(int shards, bool legacyKeys)
    {
        Shards = shards;
        _legacyKeys = legacyKeys;
    }

    /// <summary>How many shards the table has.</summary>
    public int Shards { get; }

    /// <summary>Every shard's grain key.</summary>
    public IEnumerable<string> Keys => Enumerable.Range(0, Shards).Select(Key);

    /// <summary>The grain key of the shard that keeps <paramref name="id"/>.</summary>
    public string KeyOf(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
            hash = (hash ^ c) * 16777619u;
        return Key((int)(hash % (uint)Shards));
    }

    /// <summary>
    /// Moves a table kept in the <see cref="First"/> layout's shards into this layout: every item is copied to its shard
    /// here (<paramref name="write"/>), the layout is recorded (<paramref name="record"/>), then the old shards that held
    /// anything are emptied. Every step can be repeated, so a crash before the layout is recorded copies again. Run it
    /// in the owning grain's activation, before it serves anything. Returns how many items moved.
    /// </summary>
    public async Task<int> MoveFromFirstAsync<T>(
        Func<string, Task<IReadOnlyList<T>>> read, Func<T, string> idOf, Func<string, IReadOnlyList<T>, Task> write, Func<Task> record, Func<string, Task> clear)
    {
        var old = await Task.WhenAll(First.Keys.Select(read));
        var moved = old.SelectMany(items => items).ToList();
        await Task.WhenAll(moved.GroupBy(item => KeyOf(idOf(item))).Select(g => write(g.Key, g.ToList())));
        await record();
        await Task.WhenAll(First.Keys.Where((_, i) => old[i].Count > 0).Select(clear));
        return moved.Count;
    }

    private string Key(int shard) => _legacyKeys
        ? shard.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{shard}/{Shards}");
}
