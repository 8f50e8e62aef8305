using System.Text;

namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// The silo's current view of the active members and the grain placement derived from it: consistent
/// hashing of grain ids over a ring of the active silos (<see cref="PointsPerSilo"/> points each), so every
/// silo with the same view picks the same owner and a membership change moves only the grains of the silos
/// that joined or left. An empty view (single-silo mode, or before the first table read) places everything
/// locally.
/// </summary>
internal sealed class ClusterView
{
    public const int PointsPerSilo = 32;
    private volatile Snapshot _snapshot = new([], [], []);

    /// <summary>This silo, once it listens in cluster mode; null in single-silo mode.</summary>
    public SiloAddress? Self { get; set; }

    /// <summary>The active members, sorted by address.</summary>
    public IReadOnlyList<MembershipEntry> Members => _snapshot.Members;

    /// <summary>Raised (on the membership thread) after the set of active members changed.</summary>
    public event Action<ClusterView>? Changed;

    /// <summary>The silo that should host <paramref name="grainType"/>/<paramref name="key"/>; null when it is this silo (or there is no view).</summary>
    public SiloAddress? RemoteOwner(string grainType, string key)
    {
        var snapshot = _snapshot;
        if (snapshot.Hashes.Length == 0 || Self is not { } self)
            return null;
        var hash = Hash(grainType, '/', key);
        var index = Array.BinarySearch(snapshot.Hashes, hash);
        if (index < 0)
            index = ~index;
        if (index == snapshot.Hashes.Length)
            index = 0;
        var owner = snapshot.Owners[index];
        return owner == self ? null : owner;
    }

    /// <summary>Replaces the view; true (and <see cref="Changed"/> raised) when the active set differs.</summary>
    public bool Update(IEnumerable<MembershipEntry> active)
    {
        var members = active.Where(m => m.Status == SiloStatus.Active).OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToArray();
        var current = _snapshot;
        if (members.Select(m => m.Address).SequenceEqual(current.Members.Select(m => m.Address)))
        {
            _snapshot = current with { Members = members };
            return false;
        }

        var points = new List<(uint Hash, SiloAddress Owner)>(members.Length * PointsPerSilo);
        foreach (var member in members)
        {
            var text = member.Address.ToString();
            for (var i = 0; i < PointsPerSilo; i++)
                points.Add((Hash(text, '#', i.ToString(System.Globalization.CultureInfo.InvariantCulture)), member.Address));
        }

        points.Sort((a, b) => a.Hash != b.Hash ? a.Hash.CompareTo(b.Hash) : string.CompareOrdinal(a.Owner.ToString(), b.Owner.ToString()));
        _snapshot = new Snapshot(members, [.. points.Select(p => p.Hash)], [.. points.Select(p => p.Owner)]);
        Changed?.Invoke(this);
        return true;
    }

    public bool IsActiveMember(SiloAddress address) => _snapshot.Members.Any(m => m.Address == address);

    // FNV-1a over UTF-8: stable across processes and runtimes (string.GetHashCode is randomized).
    private static uint Hash(string first, char separator, string second)
    {
        var hash = 2166136261u;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in $"{first}{separator}{second}".EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < length; i++)
                hash = (hash ^ buffer[i]) * 16777619u;
        }

        // FNV's low bits mix poorly for short inputs; a final avalanche spreads points over the ring.
        hash ^= hash >> 16;
        hash *= 0x85ebca6bu;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35u;
        hash ^= hash >> 16;
        return hash;
    }

    private sealed record Snapshot(MembershipEntry[] Members, uint[] Hashes, SiloAddress[] Owners);
}
