using Microsoft.Data.Sqlite;

namespace MicroSeg.Runtime.Storage;

/// <summary>
/// One SQLite connection (WAL, busy timeout) used one operation at a time, with its schema applied on first use;
/// shared by SQLite grain storage, the stream log and the reminder table. Operations run synchronously under the gate.
/// </summary>
internal sealed class SqliteStore(string databasePath, TimeSpan busyTimeout, string schema) : IDisposable
{
    private static readonly Lazy<bool> s_batteries = new(() =>
    {
        SQLitePCL.Batteries.Init();
        return true;
    });

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> operation, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return operation(Connection());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="operation"/> in a transaction (committed when it returns).</summary>
    public Task<T> RunInTransactionAsync<T>(Func<SqliteConnection, T> operation, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var result = operation(connection);
            transaction.Commit();
            return result;
        }, cancellationToken);

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteConnection Connection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is not null)
            return _connection;
        _ = s_batteries.Value;
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds}; {schema}";
            setup.ExecuteNonQuery();
        }

        return _connection = connection;
    }
}
