using System.Collections;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// Items ordered by a text key (ordinal), each key once, kept in chunks of at most <see cref="MaxChunk"/> items, each
/// chunk with its keys in an array of their own. A splice copies only the chunks it changes and the short list of
/// chunks: the tables of one snapshot share every other chunk with the snapshot before. With one array per list, a
/// write at 50,000 workloads copied the ≈ 500 entries of a node and of two identities, and since every list was replaced
/// within a second, all of them were young at each collection and promoted again. Searches read the key arrays, not
/// the items (over the items, each probe read an object and its key's string, cold in the cache at that size).
/// </summary>
internal sealed class KeyedRun<T> : IReadOnlyList<T>
    where T : class
{
    /// <summary>Most items a chunk holds; a splice that makes one longer cuts it in halves.</summary>
    public const int MaxChunk = 64;

    // A chunk that falls under this after a splice is joined to its neighbour, so that chunks stay few.
    private const int MinChunk = MaxChunk / 4;

    public static readonly KeyedRun<T> Empty = new([]);

    private readonly Chunk[] _chunks;
    // Index of each chunk's first item in the whole run, and each chunk's first key: what locates an index or a key.
    private readonly int[] _starts;
    private readonly string[] _firsts;

    private KeyedRun(Chunk[] chunks)
    {
        _chunks = chunks;
        _starts = new int[chunks.Length];
        _firsts = new string[chunks.Length];
        var count = 0;
        for (var c = 0; c < chunks.Length; c++)
        {
            (_starts[c], _firsts[c]) = (count, chunks[c].Keys[0]);
            count += chunks[c].Keys.Length;
        }
        Count = count;
    }

    /// <summary>How many items the run holds.</summary>
    public int Count { get; }

    /// <summary>The item at <paramref name="index"/> in key order.</summary>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index));
            // Most reads are of the first item (an identity's representative).
            if (index < _chunks[0].Items.Length)
                return _chunks[0].Items[index];
            var c = Array.BinarySearch(_starts, index) is var at && at < 0 ? ~at - 1 : at;
            return _chunks[c].Items[index - _starts[c]];
        }
    }

    /// <summary>How many items each chunk holds (for tests of the chunk sizes).</summary>
    internal IEnumerable<int> ChunkSizes => _chunks.Select(c => c.Keys.Length);

    /// <summary>How many of this run's chunks <paramref name="other"/> shares (for tests of what a splice copies).</summary>
    internal int SharedChunks(KeyedRun<T> other) => _chunks.Intersect(other._chunks, ReferenceEqualityComparer.Instance).Count();

    /// <summary>The items in one array: for a walk by index, which the chunks would answer by a search each.</summary>
    public T[] ToArray()
    {
        var all = new T[Count];
        for (var c = 0; c < _chunks.Length; c++)
            Array.Copy(_chunks[c].Items, 0, all, _starts[c], _chunks[c].Items.Length);
        return all;
    }

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var chunk in _chunks)
        {
            foreach (var item in chunk.Items)
                yield return item;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// A new run without the items of <paramref name="gone"/> (matched by <paramref name="same"/>) and with those of
    /// <paramref name="coming"/>. Each is placed by binary search over the chunks' first keys, then over its chunk's
    /// keys; the chunks no item falls in are shared with this run.
    /// </summary>
    public KeyedRun<T> Spliced(IReadOnlyCollection<T> gone, List<T> coming, Func<T, string> keyOf, IEqualityComparer<T> same)
    {
        // Per chunk touched: the places of its leaving items, and its coming items with their keys.
        var edits = new SortedDictionary<int, (List<int> Cuts, List<(string Key, T Item)> Coming)>();
        (List<int> Cuts, List<(string Key, T Item)> Coming) EditOf(int chunk) =>
            edits.TryGetValue(chunk, out var edit) ? edit : edits[chunk] = ([], []);
        foreach (var item in gone)
        {
            var key = keyOf(item);
            var c = ChunkOf(key);
            if (c < 0)
                continue;
            var at = Array.BinarySearch(_chunks[c].Keys, key, StringComparer.Ordinal);
            if (at >= 0 && same.Equals(_chunks[c].Items[at], item))
                EditOf(c).Cuts.Add(at);
        }
        foreach (var item in coming)
        {
            var key = keyOf(item);
            // A key before every chunk goes to the first; into an empty run, to a chunk made for it.
            EditOf(Math.Max(0, ChunkOf(key))).Coming.Add((key, item));
        }
        if (edits.Count == 0)
            return this;

        var chunks = new List<Chunk>(_chunks.Length + 1);
        var from = 0;
        foreach (var (c, (cuts, arriving)) in edits)
        {
            for (; from < c && from < _chunks.Length; from++)
                chunks.Add(_chunks[from]);
            var changed = (c < _chunks.Length ? _chunks[c] : Chunk.None).Spliced(cuts, arriving);
            from = c + 1;
            if (changed.Keys.Length is > 0 and < MinChunk)
            {
                if (chunks.Count > 0)
                {
                    changed = Chunk.Joined(chunks[^1], changed);
                    chunks.RemoveAt(chunks.Count - 1);
                }
                else if (from < _chunks.Length && !edits.ContainsKey(from))
                    changed = Chunk.Joined(changed, _chunks[from++]);
            }
            if (changed.Keys.Length > 0)
                chunks.AddRange(changed.Cut());
        }
        for (; from < _chunks.Length; from++)
            chunks.Add(_chunks[from]);
        return chunks.Count == 0 ? Empty : new KeyedRun<T>([.. chunks]);
    }

    /// <summary>The chunk that holds or would hold <paramref name="key"/>; -1 when the run is empty.</summary>
    private int ChunkOf(string key)
    {
        if (_chunks.Length == 0)
            return -1;
        var at = Array.BinarySearch(_firsts, key, StringComparer.Ordinal);
        return at >= 0 ? at : Math.Max(0, ~at - 1);
    }

    private sealed class Chunk(string[] keys, T[] items)
    {
        public static readonly Chunk None = new([], []);

        public string[] Keys { get; } = keys;

        public T[] Items { get; } = items;

        /// <summary>Two neighbouring chunks as one.</summary>
        public static Chunk Joined(Chunk first, Chunk second) =>
            new([.. first.Keys, .. second.Keys], [.. first.Items, .. second.Items]);

        /// <summary>This chunk without the items at <paramref name="cuts"/> and with <paramref name="coming"/>, in key order.</summary>
        public Chunk Spliced(List<int> cuts, List<(string Key, T Item)> coming)
        {
            cuts.Sort();
            coming.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            var length = Keys.Length - cuts.Count + coming.Count;
            var (keys, items) = (new string[length], new T[length]);
            // Where each coming key goes among this chunk's keys (before the first that is not less); in order, these
            // never decrease.
            var places = coming.ConvertAll(e => Array.BinarySearch(Keys, e.Key, StringComparer.Ordinal) is var at && at < 0 ? ~at : at);
            // The entries between two edits are copied as blocks: storing them one by one type-checks each reference.
            int from = 0, written = 0, c = 0, n = 0;
            while (true)
            {
                var cut = c < cuts.Count ? cuts[c] : int.MaxValue;
                var place = n < places.Count ? places[n] : int.MaxValue;
                var next = Math.Min(Math.Min(cut, place), Keys.Length);
                Array.Copy(Keys, from, keys, written, next - from);
                Array.Copy(Items, from, items, written, next - from);
                written += next - from;
                from = next;
                if (place <= cut && place != int.MaxValue)
                {
                    (keys[written], items[written]) = coming[n++];
                    written++;
                }
                else if (cut != int.MaxValue)
                    (from, c) = (from + 1, c + 1);
                else
                    return new Chunk(keys, items);
            }
        }

        /// <summary>This chunk, or its halves (repeatedly) while it holds more than <see cref="MaxChunk"/> items.</summary>
        public IEnumerable<Chunk> Cut()
        {
            if (Keys.Length <= MaxChunk)
                return [this];
            var pieces = (Keys.Length + MaxChunk - 1) / MaxChunk;
            var result = new Chunk[pieces];
            for (var p = 0; p < pieces; p++)
            {
                var (start, end) = (Keys.Length * p / pieces, Keys.Length * (p + 1) / pieces);
                result[p] = new Chunk(Keys[start..end], Items[start..end]);
            }
            return result;
        }
    }
}

/// <summary>Walks of a list by index.</summary>
internal static class KeyedRunIndexing
{
    /// <summary>
    /// <paramref name="list"/> as something cheap to read by index: a run's items copied into one array (a run answers
    /// each index with a search for its chunk), any other list as it is.
    /// </summary>
    public static IReadOnlyList<T> ForIndexing<T>(this IReadOnlyList<T> list)
        where T : class => list is KeyedRun<T> run ? run.ToArray() : list;
}
