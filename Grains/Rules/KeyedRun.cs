namespace MicroSeg.Grains.Rules;

/// <summary>
/// Items ordered by a text key (ordinal), each key once, with the keys kept in an array of their own. A splice finds
/// its places by binary search over the keys: over the items, each probe read an object and its key's string (a
/// workload record's id is two references further), all cold in the cache at 50,000 workloads.
/// </summary>
internal sealed class KeyedRun<T>
    where T : class
{
    public static readonly KeyedRun<T> Empty = new([], []);

    private KeyedRun(string[] keys, T[] items) => (Keys, Items) = (keys, items);

    /// <summary>The items' keys, in order.</summary>
    public string[] Keys { get; }

    /// <summary>The items, ordered by key.</summary>
    public T[] Items { get; }

    /// <summary>
    /// A new run without the items of <paramref name="gone"/> (matched by <paramref name="same"/>) and with those of
    /// <paramref name="coming"/>, in one allocation per array. Both are placed by binary search and the entries between
    /// them are copied as blocks, so the ≈ 500 entries of an identity or node at 50,000 workloads are copied, not each
    /// read; many leaving items are matched through a set.
    /// </summary>
    public KeyedRun<T> Spliced(IReadOnlyCollection<T> gone, List<T> coming, Func<T, string> keyOf, IEqualityComparer<T> same)
    {
        var cuts = new List<int>(gone.Count);
        if (gone.Count > 16)
        {
            var set = new HashSet<T>(gone, same);
            for (var i = 0; i < Items.Length; i++)
            {
                if (set.Contains(Items[i]))
                    cuts.Add(i);
            }
        }
        else
        {
            foreach (var item in gone)
            {
                var at = Array.BinarySearch(Keys, keyOf(item), StringComparer.Ordinal);
                if (at >= 0 && same.Equals(Items[at], item))
                    cuts.Add(at);
            }
            cuts.Sort();
        }
        // In order, the coming items' places in the old arrays never decrease.
        var comingKeys = new string[coming.Count];
        var order = new int[coming.Count];
        for (var k = 0; k < coming.Count; k++)
            (comingKeys[k], order[k]) = (keyOf(coming[k]), k);
        Array.Sort(comingKeys, order, StringComparer.Ordinal);
        var places = new int[coming.Count];
        for (var k = 0; k < coming.Count; k++)
            places[k] = Array.BinarySearch(Keys, comingKeys[k], StringComparer.Ordinal) is var at && at < 0 ? ~at : at;

        var length = Items.Length - cuts.Count + coming.Count;
        if (length == 0)
            return Empty;
        var (keys, items) = (new string[length], new T[length]);
        int from = 0, written = 0, c = 0, n = 0;
        while (true)
        {
            var cut = c < cuts.Count ? cuts[c] : int.MaxValue;
            var place = n < places.Length ? places[n] : int.MaxValue;
            var next = Math.Min(Math.Min(cut, place), Items.Length);
            Array.Copy(Keys, from, keys, written, next - from);
            Array.Copy(Items, from, items, written, next - from);
            written += next - from;
            from = next;
            if (place <= cut && place != int.MaxValue)
            {
                (keys[written], items[written]) = (comingKeys[n], coming[order[n]]);
                written++;
                n++;
            }
            else if (cut != int.MaxValue)
            {
                from++;
                c++;
            }
            else
                return new KeyedRun<T>(keys, items);
        }
    }
}
