namespace MicroSeg.Runtime.Streams;

/// <summary>The last sequence number of a stream.</summary>
internal sealed record StreamHead(StreamId Stream, long LastSequence);

/// <summary>Heads changed since a cursor, and the cursor for the next read.</summary>
internal sealed record StreamHeadChanges(IReadOnlyList<StreamHead> Heads, long Next);

/// <summary>
/// A subscription row: an explicit subscription, or the checkpoint of an implicit one. <paramref name="Checkpoint"/> is
/// the last sequence number the consumer acknowledged.
/// </summary>
internal sealed record StreamSubscriptionRecord(Guid Id, string GrainType, string GrainKey, long Checkpoint, bool IsImplicit);

/// <summary>An implicit subscription a stream of <paramref name="Namespace"/> has: a grain class's deterministic subscription id.</summary>
internal readonly record struct ImplicitSubscription(string Namespace, Guid Id);

/// <summary>What a trim deleted: <paramref name="Deleted"/> events, of which <paramref name="Unacknowledged"/> some consumer had not acknowledged (the retention cap).</summary>
internal readonly record struct StreamTrimResult(long Deleted, long Unacknowledged);

/// <summary>
/// The durable log of one stream provider (the role of an Orleans queue adapter plus its checkpointer): per-stream
/// sequence numbers assigned at append, contiguous and in commit order; subscriptions and their checkpoints.
/// </summary>
internal interface IStreamLog
{
    /// <summary>Appends the payloads in order; returns the sequence number of the last one.</summary>
    Task<long> AppendAsync(StreamId stream, int partition, IReadOnlyList<string> payloads, CancellationToken cancellationToken);

    /// <summary>
    /// The heads in the partitions that changed since <paramref name="since"/> (0: every head; a few unchanged ones may
    /// come too), and the cursor to pass next time. Polling stays proportional to the streams that got events.
    /// </summary>
    Task<StreamHeadChanges> ReadHeadsAsync(IReadOnlyList<int> partitions, long since, CancellationToken cancellationToken);

    /// <summary>The last sequence number of the stream; 0 when it has no events.</summary>
    Task<long> ReadHeadAsync(StreamId stream, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> events with sequence number above <paramref name="after"/>, in order.</summary>
    Task<IReadOnlyList<StreamEventData>> ReadEventsAsync(StreamId stream, long after, int max, CancellationToken cancellationToken);

    Task<IReadOnlyList<StreamSubscriptionRecord>> ReadSubscriptionsAsync(StreamId stream, CancellationToken cancellationToken);

    /// <summary>Adds an explicit subscription.</summary>
    Task AddSubscriptionAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken);

    Task RemoveSubscriptionAsync(StreamId stream, Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a checkpoint forward (never back). An implicit subscription's row is created on its first checkpoint;
    /// an explicit one that was removed stays removed.
    /// </summary>
    Task SaveCheckpointAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes, in <paramref name="partitions"/>, the events no consumer needs any more: per stream, those at or below
    /// the lowest checkpoint of its consumers, which are its explicit subscriptions and the
    /// <paramref name="implicitSubscriptions"/> of its namespace (at 0 until their first checkpoint; rows of implicit
    /// subscriptions not listed are ignored). A stream without consumers keeps its events. With
    /// <paramref name="maxRetained"/>, events more than that many below the head go too, acknowledged or not.
    /// Heads stay, so sequence numbers continue.
    /// </summary>
    Task<StreamTrimResult> TrimAsync(IReadOnlyList<int> partitions, IReadOnlyList<ImplicitSubscription> implicitSubscriptions, long? maxRetained,
        CancellationToken cancellationToken);
}
