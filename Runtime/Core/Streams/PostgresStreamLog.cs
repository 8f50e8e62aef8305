using MicroSeg.Runtime.Postgres;
using Npgsql;

namespace MicroSeg.Runtime.Streams;

/// <summary>
/// The stream log in PostgreSQL (tables microseg_stream_*, deploy/sql/002): one statement per append locks the
/// stream's head row, takes the next sequence numbers and inserts the events, so appends from several silos
/// interleave without gaps and commit in sequence order.
/// </summary>
internal sealed class PostgresStreamLog(PostgresDatabase database, string scope) : IStreamLog
{
    private const string Stream = "scope = @scope AND stream_ns = @ns AND stream_key = @key";

    public async Task<long> AppendAsync(StreamId stream, int partition, IReadOnlyList<string> payloads, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(stream, """
            WITH head AS (
                INSERT INTO microseg_stream_heads (scope, stream_ns, stream_key, partition, last_seq, changed_xid)
                VALUES (@scope, @ns, @key, @partition, @count, pg_current_xact_id())
                ON CONFLICT (scope, stream_ns, stream_key) DO UPDATE SET last_seq = microseg_stream_heads.last_seq + @count, changed_xid = pg_current_xact_id()
                RETURNING last_seq),
            added AS (
                INSERT INTO microseg_stream_events (scope, stream_ns, stream_key, seq, payload)
                SELECT @scope, @ns, @key, head.last_seq - @count + e.ord, e.payload FROM head, unnest(@payloads::text[]) WITH ORDINALITY AS e(payload, ord)
                RETURNING seq)
            SELECT max(seq) FROM added
            """).ConfigureAwait(false);
        command.Parameters.AddWithValue("partition", partition);
        command.Parameters.AddWithValue("count", (long)payloads.Count);
        command.Parameters.AddWithValue("payloads", payloads.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Heads whose appending transaction id is at or above <paramref name="since"/>. The next cursor is the oldest
    /// transaction still running in this statement's snapshot, so an append that commits later, with a lower id
    /// than appends already seen, is still read next time.
    /// </summary>
    public async Task<StreamHeadChanges> ReadHeadsAsync(IReadOnlyList<int> partitions, long since, CancellationToken cancellationToken)
    {
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = database.DataSource.CreateCommand("""
            SELECT s.xmin, h.stream_ns, h.stream_key, h.last_seq
            FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) s
            LEFT JOIN microseg_stream_heads h ON h.scope = @scope AND h.partition = ANY(@partitions) AND h.changed_xid >= @since::text::xid8
            """);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("partitions", partitions.ToArray());
        command.Parameters.AddWithValue("since", since);
        var heads = new List<StreamHead>();
        var next = since;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            next = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
                heads.Add(new StreamHead(new StreamId(reader.GetString(1), reader.GetString(2)), reader.GetInt64(3)));
        }

        return new StreamHeadChanges(heads, next);
    }

    public async Task<long> ReadHeadAsync(StreamId stream, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(stream, $"SELECT last_seq FROM microseg_stream_heads WHERE {Stream}").ConfigureAwait(false);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long head ? head : 0;
    }

    public async Task<IReadOnlyList<StreamEventData>> ReadEventsAsync(StreamId stream, long after, int max, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(stream, $"SELECT seq, payload FROM microseg_stream_events WHERE {Stream} AND seq > @after ORDER BY seq LIMIT @max").ConfigureAwait(false);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("max", max);
        var events = new List<StreamEventData>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            events.Add(new StreamEventData(reader.GetInt64(0), reader.GetString(1)));
        return events;
    }

    public async Task<IReadOnlyList<StreamSubscriptionRecord>> ReadSubscriptionsAsync(StreamId stream, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(stream,
            $"SELECT subscription_id, grain_type, grain_key, checkpoint, is_implicit FROM microseg_stream_subscriptions WHERE {Stream}").ConfigureAwait(false);
        var subscriptions = new List<StreamSubscriptionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            subscriptions.Add(new StreamSubscriptionRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetBoolean(4)));
        return subscriptions;
    }

    public async Task AddSubscriptionAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken)
    {
        await using var command = await SubscriptionCommandAsync(stream, subscription, """
            INSERT INTO microseg_stream_subscriptions (scope, stream_ns, stream_key, subscription_id, grain_type, grain_key, is_implicit, checkpoint)
            VALUES (@scope, @ns, @key, @id, @type, @grain, @implicit, @checkpoint) ON CONFLICT DO NOTHING
            """).ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveSubscriptionAsync(StreamId stream, Guid id, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(stream, $"DELETE FROM microseg_stream_subscriptions WHERE {Stream} AND subscription_id = @id").ConfigureAwait(false);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveCheckpointAsync(StreamId stream, StreamSubscriptionRecord subscription, CancellationToken cancellationToken)
    {
        await using var command = await SubscriptionCommandAsync(stream, subscription, subscription.IsImplicit
            ? """
              INSERT INTO microseg_stream_subscriptions (scope, stream_ns, stream_key, subscription_id, grain_type, grain_key, is_implicit, checkpoint)
              VALUES (@scope, @ns, @key, @id, @type, @grain, @implicit, @checkpoint)
              ON CONFLICT (scope, stream_ns, stream_key, subscription_id) DO UPDATE SET checkpoint = GREATEST(microseg_stream_subscriptions.checkpoint, EXCLUDED.checkpoint)
              """
            : $"UPDATE microseg_stream_subscriptions SET checkpoint = GREATEST(checkpoint, @checkpoint) WHERE {Stream} AND subscription_id = @id").ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One statement: the consumers' lowest checkpoint per stream (and the cap), then the delete, counting what was unacknowledged.</summary>
    public async Task<StreamTrimResult> TrimAsync(IReadOnlyList<int> partitions, IReadOnlyList<ImplicitSubscription> implicitSubscriptions, long? maxRetained,
        CancellationToken cancellationToken)
    {
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = database.DataSource.CreateCommand("""
            WITH implicit AS (SELECT * FROM unnest(@implicit_ns::text[], @implicit_ids::uuid[]) AS i(ns, id)),
            heads AS (SELECT stream_ns, stream_key, last_seq FROM microseg_stream_heads WHERE scope = @scope AND partition = ANY(@partitions)),
            consumers AS (
                SELECT s.stream_ns, s.stream_key, s.checkpoint
                FROM microseg_stream_subscriptions s JOIN heads h USING (stream_ns, stream_key)
                WHERE s.scope = @scope AND NOT s.is_implicit
                UNION ALL
                SELECT h.stream_ns, h.stream_key, coalesce(s.checkpoint, 0)
                FROM heads h JOIN implicit i ON i.ns = h.stream_ns
                LEFT JOIN microseg_stream_subscriptions s
                    ON s.scope = @scope AND s.stream_ns = h.stream_ns AND s.stream_key = h.stream_key AND s.subscription_id = i.id),
            floors AS (
                SELECT h.stream_ns, h.stream_key, c.acked, greatest(coalesce(c.acked, 0), h.last_seq - @max) AS through
                FROM heads h
                LEFT JOIN (SELECT stream_ns, stream_key, min(checkpoint) AS acked FROM consumers GROUP BY stream_ns, stream_key) c USING (stream_ns, stream_key)),
            gone AS (
                DELETE FROM microseg_stream_events e USING floors f
                WHERE e.scope = @scope AND e.stream_ns = f.stream_ns AND e.stream_key = f.stream_key AND e.seq <= f.through
                RETURNING e.seq > f.acked AS unacknowledged)
            SELECT count(*), count(*) FILTER (WHERE unacknowledged) FROM gone
            """);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("partitions", partitions.ToArray());
        command.Parameters.AddWithValue("implicit_ns", implicitSubscriptions.Select(i => i.Namespace).ToArray());
        command.Parameters.AddWithValue("implicit_ids", implicitSubscriptions.Select(i => i.Id).ToArray());
        // No cap: head - long.MaxValue is below every checkpoint (and cannot overflow, heads are not negative).
        command.Parameters.AddWithValue("max", maxRetained ?? long.MaxValue);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StreamTrimResult(reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<NpgsqlCommand> SubscriptionCommandAsync(StreamId stream, StreamSubscriptionRecord subscription, string sql)
    {
        var command = await CommandAsync(stream, sql).ConfigureAwait(false);
        command.Parameters.AddWithValue("id", subscription.Id);
        command.Parameters.AddWithValue("type", subscription.GrainType);
        command.Parameters.AddWithValue("grain", subscription.GrainKey);
        command.Parameters.AddWithValue("implicit", subscription.IsImplicit);
        command.Parameters.AddWithValue("checkpoint", subscription.Checkpoint);
        return command;
    }

    private async Task<NpgsqlCommand> CommandAsync(StreamId stream, string sql)
    {
        await database.EnsureSchemaAsync().ConfigureAwait(false);
        var command = database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("ns", stream.Namespace);
        command.Parameters.AddWithValue("key", stream.Key);
        return command;
    }
}
