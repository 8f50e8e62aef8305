using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// One SQLite file as the providers see it: a single writer connection fed by a queue, plus pooled read-only
/// connections. SQLite admits one writer per file at a time, so every write in this process goes through the one
/// writer thread (no SQLITE_BUSY between our own writers), and writes queued while a commit is being fsynced are
/// committed together in the next transaction: one fsync acknowledges the whole group.
/// </summary>
internal sealed class SqliteDatabase
{
    // Shared per file and reference-counted, so grain storage and the reminder table on one file share the writer.
    private static readonly Dictionary<string, SqliteDatabase> Open = new(StringComparer.Ordinal);

    private readonly BlockingCollection<WriteOperation> _queue = [];
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;
    private readonly int _maxBatch;
    private readonly Thread _writerThread;
    private int _references;

    private SqliteDatabase(string path, SqliteStorageOptions options)
    {
        Path = path;
        _maxBatch = options.MaxWriteBatchSize;
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        var writerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();

        _writer = new SqliteConnection(writerConnectionString);
        _writer.Open();
        try
        {
            using var command = _writer.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = command.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite database '{path}' refused WAL journal mode (got '{mode}').");
            }

            // FULL in WAL mode fsyncs the log at every commit: a write is acknowledged only once it is durable.
            command.CommandText = $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA cache_size=-{options.WriterPageCacheKiB};";
            command.ExecuteNonQuery();
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "sqlite-writer" };
        _writerThread.Start();
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>Opens the file (creating it and its directory) or joins the instance already open in this process.</summary>
    /// <remarks>The first caller's options decide the connection settings of a shared file.</remarks>
    public static SqliteDatabase Acquire(SqliteStorageOptions options)
    {
        var path = System.IO.Path.GetFullPath(options.DatabasePath);
        lock (Open)
        {
            if (!Open.TryGetValue(path, out var database))
            {
                if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory)
                {
                    Directory.CreateDirectory(directory);
                }

                database = new SqliteDatabase(path, options);
                Open.Add(path, database);
            }

            database._references++;
            return database;
        }
    }

    /// <summary>Drops one reference; the last one drains queued writes and closes every connection to the file.</summary>
    public void Release()
    {
        lock (Open)
        {
            if (--_references > 0)
            {
                return;
            }

            Open.Remove(Path);
        }

        _queue.CompleteAdding();
        _writerThread.Join();
        _commands.Values.ToList().ForEach(command => command.Dispose());
        using (var reader = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(reader);
        }

        // Closing the last connection checkpoints the log into the main file and removes it.
        _writer.Dispose();
        _queue.Dispose();
    }

    /// <summary>
    /// Queues <paramref name="write"/> for the writer thread. The task completes only after the transaction holding
    /// it has committed; if <paramref name="write"/> throws, its own changes are rolled back and the rest of the
    /// group still commits. Cancellation is honoured only while the write is still queued.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<Func<string, SqliteCommand>, T> write, CancellationToken cancellationToken = default)
    {
        var operation = new WriteOperation(commands => write(commands), cancellationToken);
        try
        {
            _queue.Add(operation, CancellationToken.None);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(SqliteDatabase), $"SQLite database '{Path}' is closed.");
        }

        return (T)(await operation.Task.ConfigureAwait(false))!;
    }

    /// <summary>Runs <paramref name="read"/> on a pooled read-only connection; it sees every acknowledged write.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return read(connection);
    }

    private void WriterLoop()
    {
        var batch = new List<WriteOperation>(_maxBatch);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < _maxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            try
            {
                CommitBatch(batch);
            }
            catch (Exception exception)
            {
                // Whatever went wrong, the thread must live on and no caller may wait forever.
                RollBackQuietly();
                batch.ForEach(operation => operation.Fail(exception));
            }

            batch.Clear();
        }
    }

    private void CommitBatch(List<WriteOperation> batch)
    {
        try
        {
            Execute("BEGIN IMMEDIATE");
        }
        catch (Exception exception)
        {
            batch.ForEach(operation => operation.Fail(exception));
            return;
        }

        var done = new List<WriteOperation>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var operation = batch[i];
            if (operation.CancellationToken.IsCancellationRequested)
            {
                operation.Cancel();
                continue;
            }

            Execute("SAVEPOINT op");
            try
            {
                operation.Run(GetCommand);
                Execute("RELEASE op");
                done.Add(operation);
            }
            catch (Exception exception)
            {
                operation.Fail(exception);
                if (!InTransaction())
                {
                    // SQLite abandoned the whole transaction (I/O error, disk full): nothing of this group is stored.
                    done.ForEach(d => d.Fail(exception));
                    batch.Skip(i + 1).ToList().ForEach(rest => rest.Fail(exception));
                    return;
                }

                Execute("ROLLBACK TO op");
                Execute("RELEASE op");
            }
        }

        try
        {
            Execute("COMMIT");
        }
        catch (Exception exception)
        {
            RollBackQuietly();
            done.ForEach(d => d.Fail(exception));
            return;
        }

        done.ForEach(d => d.Complete());
    }

    private void RollBackQuietly()
    {
        try
        {
            if (InTransaction())
            {
                Execute("ROLLBACK");
            }
        }
        catch (SqliteException)
        {
            // The connection is unusable; the next BEGIN reports that to the callers.
        }
    }

    private bool InTransaction() => SQLitePCL.raw.sqlite3_get_autocommit(_writer.Handle) == 0;

    private void Execute(string sql) => GetCommand(sql).ExecuteNonQuery();

    // Statements stay prepared on the writer connection for its lifetime; callers only rebind parameters.
    private SqliteCommand GetCommand(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    private sealed class WriteOperation(Func<Func<string, SqliteCommand>, object?> write, CancellationToken cancellationToken)
    {
        // Continuations must not run on the writer thread, or a grain's code would delay every later commit.
        private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private object? _result;

        public CancellationToken CancellationToken => cancellationToken;

        public Task<object?> Task => _completion.Task;

        public void Run(Func<string, SqliteCommand> commands) => _result = write(commands);

        public void Complete() => _completion.TrySetResult(_result);

        public void Fail(Exception exception) => _completion.TrySetException(exception);

        public void Cancel() => _completion.TrySetCanceled(cancellationToken);
    }
}
