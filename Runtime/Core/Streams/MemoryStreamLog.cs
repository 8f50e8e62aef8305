namespace MicroSeg.Runtime.Streams;

/// <summary>A stream log in process memory (tests): one per silo, lost when the process ends; not shared by the silos of a cluster.</summary>
internal sealed class MemoryStreamLog : IStreamLog
{
    private readonly object _lock = new();
    private readonly Dictionary<StreamId, Entry> _streams = [];
    private readonly Dictionary<StreamId, long> _changes = [];
    private long _change;
    private readonly Dictionary<StreamId, Dictionary<Guid, StreamSubscriptionRecord>> _subscriptions = [];

    public Task<long> AppendAsync(StreamId stream, int partition, IReadOnlyList<string> payloads, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream, out var entry))
                _streams[stream] = entry = new Entry(partition);
            entry.Events.AddRange(payloads);
            entry.Head += payloads.Count;
            _changes[stream] = ++_change;
            return Task.FromResult(entry.Head);
        }
    }

    public Task<StreamHeadChanges> ReadHeadsAsync(IReadOnlyList<int> partitions, long since, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(new StreamHeadChanges(
                [.. _streams.Where(s => _changes[s.Key] >= since && partitions.Contains(s.Value.Partition)).Select(s => new StreamHead(s.Key, s.Value.Head))],
                _change + 1));
        }
    }

    public Task<long> ReadHeadAsync(StreamId stream, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_streams.TryGetValue(stream, out var entry) ? entry.Head : 0L);
    }

    public Task<IReadOnlyList<StreamEventData>> ReadEventsAsync(StreamId stream, long after, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream, out var entry))
                return Task.FromResult<IReadOnlyList<StreamEventData>>([]);
            var first = entry.FirstRetained;
            var start = (int)Math.Clamp(after + 1 - first, 0, entry.Events.Count);
            var count = Math.Min(max, entry.Events.Count - start);
            return Task.FromResult<IReadOnlyList<StreamEventData>>([.. Enumerable.Range(start, count).Select(i => new StreamEventData(first + i, entry.Events[i]))]);
        }
    }

    public Task<IReadOnlyList<StreamSubscriptionRecord>> ReadSubscriptionsAsync(StreamId stream, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<StreamSubscriptionRecord>>(_subscriptions.TryGetValue(stream, out var subs) ? [.. subs.Values] : []);
    }

    public Task AddSubscriptionAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken)
    {
        lock (_lock)
            Subscriptions(stream)[subscription.Id] = subscription;
        return Task.CompletedTask;
    }

    public Task RemoveSubscriptionAsync(StreamId stream, Guid id, CancellationToken cancellationToken)
    {
        lock (_lock)
            Subscriptions(stream).Remove(id);
        return Task.CompletedTask;
    }

    public Task SaveCheckpointAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var subs = Subscriptions(stream);
            if (subs.TryGetValue(subscription.Id, out var existing))
                subs[subscription.Id] = existing with { Checkpoint = Math.Max(existing.Checkpoint, subscription.Checkpoint) };
            else if (subscription.IsImplicit)
                subs[subscription.Id] = subscription;
        }

        return Task.CompletedTask;
    }

    public Task<StreamTrimResult> TrimAsync(IReadOnlyList<int> partitions, IReadOnlyList<ImplicitSubscription> implicitSubscriptions, long? maxRetained,
        CancellationToken cancellationToken)
    {
        long deleted = 0, unacknowledged = 0;
        lock (_lock)
        {
            foreach (var (stream, entry) in _streams)
            {
                if (!partitions.Contains(entry.Partition))
                    continue;
                var acked = LowestCheckpoint(stream, implicitSubscriptions);
                var through = Math.Max(acked ?? 0, maxRetained is { } max ? entry.Head - max : 0);
                var first = entry.FirstRetained;
                var count = (int)Math.Clamp(through - first + 1, 0, entry.Events.Count);
                if (count == 0)
                    continue;
                entry.Events.RemoveRange(0, count);
                deleted += count;
                if (acked is { } floor)
                    unacknowledged += Math.Max(0, first + count - 1 - Math.Max(floor, first - 1));
            }
        }

        return Task.FromResult(new StreamTrimResult(deleted, unacknowledged));
    }

    // Called under the lock: the lowest checkpoint of the stream's consumers; null when it has none.
    private long? LowestCheckpoint(StreamId stream, IReadOnlyList<ImplicitSubscription> implicitSubscriptions)
    {
        _subscriptions.TryGetValue(stream, out var rows);
        long? lowest = null;
        foreach (var row in rows?.Values ?? Enumerable.Empty<StreamSubscriptionRecord>())
        {
            if (!row.IsImplicit)
                lowest = Math.Min(lowest ?? long.MaxValue, row.Checkpoint);
        }

        foreach (var subscription in implicitSubscriptions)
        {
            if (subscription.Namespace == stream.Namespace)
                lowest = Math.Min(lowest ?? long.MaxValue, rows is not null && rows.TryGetValue(subscription.Id, out var row) ? row.Checkpoint : 0);
        }

        return lowest;
    }

    private Dictionary<Guid, StreamSubscriptionRecord> Subscriptions(StreamId stream)
    {
        if (!_subscriptions.TryGetValue(stream, out var subs))
            _subscriptions[stream] = subs = [];
        return subs;
    }

    private sealed class Entry(int partition)
    {
        public int Partition { get; } = partition;

        /// <summary>The retained events, oldest first; the trimmed ones are gone from the front.</summary>
        public List<string> Events { get; } = [];

        public long Head { get; set; }

        public long FirstRetained => Head - Events.Count + 1;
    }
}
