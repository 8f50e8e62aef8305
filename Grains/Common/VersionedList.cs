using MicroSeg.Grains.Interfaces;

namespace MicroSeg.Grains.Common;

/// <summary>
/// An index grain's content as one list instance per state, with a version unique across activations
/// (a fresh activation starts a new lineage, so a version never names two different contents).
/// </summary>
internal sealed class VersionedList<T>(Func<IReadOnlyList<T>> build)
{
    private readonly string _lineage = Guid.NewGuid().ToString("N");
    private long _version;
    private IReadOnlyList<T>? _items;

    public IReadOnlyList<T> Items => _items ??= build();

    public string Version => IndexVersions.Format(_lineage, _version);

    public IndexSnapshot<T> Snapshot => new(Version, Items);

    /// <summary>The content changed: the next read builds a new list under a new version.</summary>
    public void Invalidate()
    {
        _items = null;
        _version++;
    }
}
