using MicroSeg.Grains.Interfaces;

namespace MicroSeg.Grains.Nodes;

/// <summary>
/// The newest content of one cluster index as this process holds it, shared by the node grains it
/// hosts. A node grain asks the index for its version (small) and fetches the content only when no one
/// here holds or is fetching that version, so a fan-out to many node grains on a silo that does not
/// host the index moves the content across the cluster once, not once per node grain, and they all get
/// the same instance (which the shared rule model recognises).
/// </summary>
internal sealed class SiloSnapshotCache<T>
{
    private readonly Lock _gate = new();
    private IndexSnapshot<T>? _held;
    private (string Version, Task<IndexSnapshot<T>> Fetch)? _pending;

    public async Task<IndexSnapshot<T>> GetAsync(string version, Func<Task<IndexSnapshot<T>>> fetch)
    {
        Task<IndexSnapshot<T>> fetching;
        lock (_gate)
        {
            if (_held is { } held && held.Version == version)
                return held;
            if (_pending is not { } pending || pending.Version != version || pending.Fetch.IsFaulted || pending.Fetch.IsCanceled)
                _pending = pending = (version, fetch());
            fetching = pending.Fetch;
        }
        // The fetched content may be newer than the version asked for; newer is as good, and it is kept
        // under its own version.
        var snapshot = await fetching;
        lock (_gate)
            _held = snapshot;
        return snapshot;
    }
}
