using MicroSeg.Runtime.Postgres;
using MicroSeg.Runtime.Streams;
using MicroSeg.Runtime.Tests.Infrastructure;
using Npgsql;

namespace MicroSeg.Runtime.Tests.Streams;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStreamLogTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AppendAsync_ConcurrentBatches_SequenceNumbersContiguousPerStream()
    {
        await using var database = new PostgresDatabase(postgres.ConnectionString);
        var scope = $"test-{Guid.NewGuid():N}";
        var log = new PostgresStreamLog(database, scope);
        var stream = StreamId.Create("ns", Wait.NewKey());

        var lasts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => log.AppendAsync(stream, 0, [$"{i}a", $"{i}b", $"{i}c"], default)));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => i * 3L), lasts.Order());
        var events = new List<(long Sequence, string Payload)>();
        await using (var read = database.DataSource.CreateCommand("SELECT seq, payload FROM microseg_stream_events WHERE scope = @scope AND stream_key = @key ORDER BY seq"))
        {
            read.Parameters.AddWithValue("scope", scope);
            read.Parameters.AddWithValue("key", stream.Key);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                events.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.All(events.Chunk(3), batch => Assert.Equal(batch[0].Payload[..^1], batch[2].Payload[..^1]));
    }

    [Fact]
    public async Task ReadHeadsAsync_AppendCommittedAfterRead_SeenWithTheReturnedCursor()
    {
        await using var database = new PostgresDatabase(postgres.ConnectionString);
        var scope = $"test-{Guid.NewGuid():N}";
        var log = new PostgresStreamLog(database, scope);
        var early = StreamId.Create("ns", Wait.NewKey());
        var late = StreamId.Create("ns", Wait.NewKey());
        await log.AppendAsync(early, 0, ["1"], default);
        await log.AppendAsync(late, 0, ["1"], default);
        var first = await log.ReadHeadsAsync([0], 0, default);
        Assert.Equal(2, first.Heads.Count);

        // An append to `late` is in flight (its transaction has an id) while the agent reads, and commits after.
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand(
            "UPDATE microseg_stream_heads SET last_seq = last_seq + 1, changed_xid = pg_current_xact_id() WHERE scope = @scope AND stream_key = @key", connection, transaction))
        {
            update.Parameters.AddWithValue("scope", scope);
            update.Parameters.AddWithValue("key", late.Key);
            await update.ExecuteNonQueryAsync();
        }

        var during = await log.ReadHeadsAsync([0], first.Next, default);
        await transaction.CommitAsync();
        var after = await log.ReadHeadsAsync([0], during.Next, default);

        Assert.DoesNotContain(during.Heads, h => h.Stream == late && h.LastSequence == 2);
        Assert.Contains(after.Heads, h => h.Stream == late && h.LastSequence == 2);
    }
}
