using System.Collections.Concurrent;

namespace MicroSeg.Runtime.Invocation;

/// <summary>The local objects of one process (silo or client) that have references, by observer id.</summary>
internal sealed class ObserverRegistry(Guid ownerId)
{
    private readonly ConcurrentDictionary<Guid, ObserverEntry> _byId = new();
    private readonly Dictionary<object, ObserverEntry> _byObject = new(ReferenceEqualityComparer.Instance);

    /// <summary>In a cluster silo, this silo's address: written into its observer references so other silos can reach them.</summary>
    public string? Location { get; set; }

    /// <summary>The id of this process in observer references.</summary>
    public Guid OwnerId { get; } = ownerId;

    public object CreateReference(Type observerInterface, IGrainObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!observerInterface.IsInstanceOfType(observer))
            throw new ArgumentException($"{observer.GetType().Name} does not implement {observerInterface.Name}.", nameof(observer));
        var info = InterfaceRegistry.For(observerInterface);
        ObserverEntry entry;
        lock (_byObject)
        {
            if (!_byObject.TryGetValue(observer, out entry!))
            {
                entry = new ObserverEntry(Guid.NewGuid(), observer);
                _byObject.Add(observer, entry);
                _byId[entry.Id] = entry;
            }
        }

        return info.CreateReference(new LocalObserverTarget(entry, info, OwnerId, Location));
    }

    public void Delete(IGrainObserver observer)
    {
        ObserverEntry? entry;
        lock (_byObject)
        {
            if (!_byObject.Remove(observer, out entry))
                return;
            _byId.TryRemove(entry.Id, out _);
        }

        entry.Delete();
    }

    public bool TryGet(Guid id, out ObserverEntry entry) => _byId.TryGetValue(id, out entry!);

    public static string FormatKey(Guid owner, Guid id) => $"{owner:N}{id:N}";

    public static bool TryParseKey(string key, out Guid owner, out Guid id)
    {
        id = default;
        return Guid.TryParseExact(key.AsSpan(0, Math.Min(32, key.Length)), "N", out owner)
            && key.Length == 64 && Guid.TryParseExact(key.AsSpan(32), "N", out id);
    }
}

/// <summary>A local observer object: calls to it run one at a time, in arrival order (as Orleans' LocalObjectData).</summary>
internal sealed class ObserverEntry(Guid id, object target) : IWorkItemOwner
{
    private static readonly Action<ObserverEntry> s_run = static e => e.Run();
    private readonly Queue<WorkItem> _queue = new();
    private bool _running;
    private bool _deleted;

    public Guid Id { get; } = id;

    public void Enqueue(WorkItem item)
    {
        lock (_queue)
        {
            if (_deleted)
            {
                item.Fail(Deleted());
                return;
            }

            _queue.Enqueue(item);
            if (_running)
                return;
            _running = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(s_run, this, preferLocal: false);
    }

    public void OnCompleted(WorkItem item) => Run();

    public void Delete()
    {
        WorkItem[] queued;
        lock (_queue)
        {
            _deleted = true;
            queued = [.. _queue];
            _queue.Clear();
        }

        foreach (var item in queued)
            item.Fail(Deleted());
    }

    private void Run()
    {
        while (true)
        {
            WorkItem? item;
            lock (_queue)
            {
                if (!_queue.TryDequeue(out item))
                {
                    _running = false;
                    return;
                }
            }

            item.Owner = this;
            if (!item.Start(target))
                return;
        }
    }

    private InvalidOperationException Deleted() => new($"Observer {Id} ({target.GetType().Name}) was deleted with DeleteObjectReference.");
}
