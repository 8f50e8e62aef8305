namespace MicroSeg.Runtime.Streams;

/// <summary>A stream log in process memory (tests): one per silo, lost when the process ends; not shared by the silos of a cluster.</summary>
internal sealed class MemoryStreamLog : IStreamLog
{
    private readonly object _lock = new();
    private readonly Dictionary<StreamId, (int Partition, List<string> Events)> _streams = [];
    private readonly Dictionary<StreamId, long> _changes = [];
    private long _change;
    private readonly Dictionary<StreamId, Dictionary<Guid, StreamSubscriptionRecord>> _subscriptions = [];

    public Task<long> AppendAsync(StreamId stream, int partition, IReadOnlyList<string> payloads, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream, out var entry))
                _streams[stream] = entry = (partition, []);
            entry.Events.AddRange(payloads);
            _changes[stream] = ++_change;
            return Task.FromResult((long)entry.Events.Count);
        }
    }

    public Task<StreamHeadChanges> ReadHeadsAsync(IReadOnlyList<int> partitions, long since, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(new StreamHeadChanges(
                [.. _streams.Where(s => _changes[s.Key] >= since && partitions.Contains(s.Value.Partition)).Select(s => new StreamHead(s.Key, s.Value.Events.Count))],
                _change + 1));
        }
    }

    public Task<long> ReadHeadAsync(StreamId stream, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_streams.TryGetValue(stream, out var entry) ? (long)entry.Events.Count : 0L);
    }

    public Task<IReadOnlyList<StreamEventData>> ReadEventsAsync(StreamId stream, long after, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream, out var entry))
                return Task.FromResult<IReadOnlyList<StreamEventData>>([]);
            var start = (int)Math.Min(after, entry.Events.Count);
            var count = Math.Min(max, entry.Events.Count - start);
            return Task.FromResult<IReadOnlyList<StreamEventData>>([.. Enumerable.Range(start, count).Select(i => new StreamEventData(i + 1, entry.Events[i]))]);
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

    private Dictionary<Guid, StreamSubscriptionRecord> Subscriptions(StreamId stream)
    {
        if (!_subscriptions.TryGetValue(stream, out var subs))
            _subscriptions[stream] = subs = [];
        return subs;
    }
}
