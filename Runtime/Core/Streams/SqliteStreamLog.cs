using MicroSeg.Runtime.Storage;
using MicroSeg.Runtime.Hosting;
using Microsoft.Data.Sqlite;

namespace MicroSeg.Runtime.Streams;

/// <summary>The stream log in a SQLite file (embedded single silo): same tables and semantics as PostgreSQL, without the scope column.</summary>
internal sealed class SqliteStreamLog(SqliteStreamOptions options) : IStreamLog, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS stream_heads (stream_ns TEXT NOT NULL, stream_key TEXT NOT NULL, partition INTEGER NOT NULL, last_seq INTEGER NOT NULL,
            change INTEGER NOT NULL, PRIMARY KEY (stream_ns, stream_key)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS stream_heads_change ON stream_heads (change);
        CREATE TABLE IF NOT EXISTS stream_events (stream_ns TEXT NOT NULL, stream_key TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT NOT NULL,
            PRIMARY KEY (stream_ns, stream_key, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS stream_subscriptions (stream_ns TEXT NOT NULL, stream_key TEXT NOT NULL, subscription_id TEXT NOT NULL,
            grain_type TEXT NOT NULL, grain_key TEXT NOT NULL, is_implicit INTEGER NOT NULL, checkpoint INTEGER NOT NULL,
            PRIMARY KEY (stream_ns, stream_key, subscription_id)) WITHOUT ROWID;
        """;

    private const string Stream = "stream_ns = $ns AND stream_key = $key";
    private readonly SqliteStore _store = new(options.DatabasePath, options.BusyTimeout, Schema);

    public Task<long> AppendAsync(StreamId stream, int partition, IReadOnlyList<string> payloads, CancellationToken cancellationToken) =>
        _store.RunInTransactionAsync(connection =>
        {
            using (var head = Command(connection, stream, """
                INSERT INTO stream_heads VALUES ($ns, $key, $partition, $count, (SELECT coalesce(max(change), 0) + 1 FROM stream_heads))
                ON CONFLICT (stream_ns, stream_key) DO UPDATE SET last_seq = last_seq + $count, change = excluded.change
                """, ("$partition", partition), ("$count", (long)payloads.Count)))
                head.ExecuteNonQuery();
            long last;
            using (var read = Command(connection, stream, $"SELECT last_seq FROM stream_heads WHERE {Stream}"))
                last = (long)read.ExecuteScalar()!;
            using var insert = Command(connection, stream, "INSERT INTO stream_events VALUES ($ns, $key, $seq, $payload)");
            var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var payload = insert.Parameters.Add("$payload", SqliteType.Text);
            for (var i = 0; i < payloads.Count; i++)
            {
                seq.Value = last - payloads.Count + 1 + i;
                payload.Value = payloads[i];
                insert.ExecuteNonQuery();
            }

            return last;
        }, cancellationToken);

    // One connection commits one transaction at a time, so change numbers are in commit order and max + 1 is a safe cursor.
    public Task<StreamHeadChanges> ReadHeadsAsync(IReadOnlyList<int> partitions, long since, CancellationToken cancellationToken) =>
        _store.RunAsync(connection =>
        {
            var heads = new List<StreamHead>();
            using (var command = SqliteStore.Command(connection,
                $"SELECT stream_ns, stream_key, last_seq FROM stream_heads WHERE change >= $since AND partition IN ({string.Join(',', partitions)})", ("$since", since)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                    heads.Add(new StreamHead(new StreamId(reader.GetString(0), reader.GetString(1)), reader.GetInt64(2)));
            }

            using var next = SqliteStore.Command(connection, "SELECT coalesce(max(change), 0) + 1 FROM stream_heads");
            return new StreamHeadChanges(heads, (long)next.ExecuteScalar()!);
        }, cancellationToken);

    public Task<long> ReadHeadAsync(StreamId stream, CancellationToken cancellationToken) =>
        _store.RunAsync(connection =>
        {
            using var command = Command(connection, stream, $"SELECT last_seq FROM stream_heads WHERE {Stream}");
            return command.ExecuteScalar() is long head ? head : 0;
        }, cancellationToken);

    public Task<IReadOnlyList<StreamEventData>> ReadEventsAsync(StreamId stream, long after, int max, CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<StreamEventData>>(connection =>
        {
            using var command = Command(connection, stream, $"SELECT seq, payload FROM stream_events WHERE {Stream} AND seq > $after ORDER BY seq LIMIT $max",
                ("$after", after), ("$max", max));
            using var reader = command.ExecuteReader();
            var events = new List<StreamEventData>();
            while (reader.Read())
                events.Add(new StreamEventData(reader.GetInt64(0), reader.GetString(1)));
            return events;
        }, cancellationToken);

    public Task<IReadOnlyList<StreamSubscriptionRecord>> ReadSubscriptionsAsync(StreamId stream, CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<StreamSubscriptionRecord>>(connection =>
        {
            using var command = Command(connection, stream, $"SELECT subscription_id, grain_type, grain_key, checkpoint, is_implicit FROM stream_subscriptions WHERE {Stream}");
            using var reader = command.ExecuteReader();
            var subscriptions = new List<StreamSubscriptionRecord>();
            while (reader.Read())
                subscriptions.Add(new StreamSubscriptionRecord(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4) != 0));
            return subscriptions;
        }, cancellationToken);

    public Task AddSubscriptionAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken) =>
        ExecuteAsync(stream, subscription, "INSERT INTO stream_subscriptions VALUES ($ns, $key, $id, $type, $grain, $implicit, $checkpoint) ON CONFLICT DO NOTHING", cancellationToken);

    public Task RemoveSubscriptionAsync(StreamId stream, Guid id, CancellationToken cancellationToken) =>
        _store.RunAsync(connection =>
        {
            using var command = Command(connection, stream, $"DELETE FROM stream_subscriptions WHERE {Stream} AND subscription_id = $id", ("$id", id.ToString("N")));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task SaveCheckpointAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken) =>
        ExecuteAsync(stream, subscription, subscription.IsImplicit
            ? """
              INSERT INTO stream_subscriptions VALUES ($ns, $key, $id, $type, $grain, $implicit, $checkpoint)
              ON CONFLICT (stream_ns, stream_key, subscription_id) DO UPDATE SET checkpoint = max(checkpoint, excluded.checkpoint)
              """
            : $"UPDATE stream_subscriptions SET checkpoint = max(checkpoint, $checkpoint) WHERE {Stream} AND subscription_id = $id", cancellationToken);

    public Task<StreamTrimResult> TrimAsync(IReadOnlyList<int> partitions, IReadOnlyList<ImplicitSubscription> implicitSubscriptions, long? maxRetained,
        CancellationToken cancellationToken) =>
        _store.RunInTransactionAsync(connection =>
        {
            long deleted = 0, unacknowledged = 0;
            foreach (var (stream, head, acked) in ReadFloors(connection, partitions, implicitSubscriptions))
            {
                var through = Math.Max(acked ?? 0, maxRetained is { } max ? head - max : 0);
                if (through <= 0)
                    continue;
                // The cap may reach past what every consumer acknowledged: count that part on its own.
                if (acked is { } floor && through > floor)
                {
                    var dropped = DeleteEvents(connection, stream, floor, through);
                    unacknowledged += dropped;
                    deleted += dropped;
                    through = floor;
                }

                deleted += DeleteEvents(connection, stream, 0, through);
            }

            return new StreamTrimResult(deleted, unacknowledged);
        }, cancellationToken);

    public void Dispose() => _store.Dispose();

    /// <summary>Each stream of the partitions with its head and its consumers' lowest checkpoint (null: no consumers).</summary>
    private static List<(StreamId Stream, long Head, long? Acked)> ReadFloors(SqliteConnection connection, IReadOnlyList<int> partitions,
        IReadOnlyList<ImplicitSubscription> implicitSubscriptions)
    {
        var parameters = new List<(string, object)>();
        for (var i = 0; i < implicitSubscriptions.Count; i++)
        {
            parameters.Add(($"$ns{i}", implicitSubscriptions[i].Namespace));
            parameters.Add(($"$id{i}", implicitSubscriptions[i].Id.ToString("N")));
        }

        var implicitRows = implicitSubscriptions.Count == 0
            ? "SELECT NULL, NULL WHERE 0"
            : "VALUES " + string.Join(", ", Enumerable.Range(0, implicitSubscriptions.Count).Select(i => $"($ns{i}, $id{i})"));
        using var command = SqliteStore.Command(connection, $"""
            WITH implicit(ns, id) AS ({implicitRows}),
            heads AS (SELECT stream_ns, stream_key, last_seq FROM stream_heads WHERE partition IN ({string.Join(',', partitions)})),
            consumers AS (
                SELECT s.stream_ns, s.stream_key, s.checkpoint
                FROM stream_subscriptions s JOIN heads h USING (stream_ns, stream_key)
                WHERE NOT s.is_implicit
                UNION ALL
                SELECT h.stream_ns, h.stream_key, coalesce(s.checkpoint, 0)
                FROM heads h JOIN implicit i ON i.ns = h.stream_ns
                LEFT JOIN stream_subscriptions s ON s.stream_ns = h.stream_ns AND s.stream_key = h.stream_key AND s.subscription_id = i.id)
            SELECT h.stream_ns, h.stream_key, h.last_seq,
                (SELECT min(c.checkpoint) FROM consumers c WHERE c.stream_ns = h.stream_ns AND c.stream_key = h.stream_key)
            FROM heads h
            """, [.. parameters]);
        using var reader = command.ExecuteReader();
        var floors = new List<(StreamId, long, long?)>();
        while (reader.Read())
            floors.Add((new StreamId(reader.GetString(0), reader.GetString(1)), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3)));
        return floors;
    }

    private static int DeleteEvents(SqliteConnection connection, StreamId stream, long after, long through)
    {
        using var command = Command(connection, stream, $"DELETE FROM stream_events WHERE {Stream} AND seq > $after AND seq <= $through", ("$after", after), ("$through", through));
        return command.ExecuteNonQuery();
    }

    private Task ExecuteAsync(StreamId stream, StreamSubscriptionRecord subscription, string sql, CancellationToken cancellationToken) =>
        _store.RunAsync(connection =>
        {
            using var command = Command(connection, stream, sql, ("$id", subscription.Id.ToString("N")), ("$type", subscription.GrainType),
                ("$grain", subscription.GrainKey), ("$implicit", subscription.IsImplicit ? 1 : 0), ("$checkpoint", subscription.Checkpoint));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, StreamId stream, string sql, params (string Name, object Value)[] parameters) =>
        SqliteStore.Command(connection, sql, [("$ns", stream.Namespace), ("$key", stream.Key), .. parameters]);
}
