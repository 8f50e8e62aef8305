using MicroSeg.Testing.Sockets;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MicroSeg.Testing;

/// <summary>
/// A private PostgreSQL 15 server for the test run: initdb into a temp directory, listening on 127.0.0.1 on a
/// free port with its socket in that directory, durability off (tests only). Runs as the postgres OS user when
/// the tests run as root (initdb refuses root). Stopped and deleted in <see cref="Dispose"/>. Shared by the
/// runtime tests (as an xunit collection fixture), the black-box tests and the benchmarks.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    private static readonly string s_bin = Environment.GetEnvironmentVariable("MICROSEG_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
    private readonly string _directory;
    private readonly string _data;
    private bool _started;

    public PostgresFixture()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"microseg-pg-{Guid.NewGuid():N}");
        _data = Path.Combine(_directory, "data");
        try
        {
            Directory.CreateDirectory(_directory);
            if (IsRoot)
                Run("chown", "postgres:postgres", _directory);
            Port = LoopbackPorts.Free();
            RunPostgres("initdb", "-D", _data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions");
            Start();
            ConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = Port,
                Username = "postgres",
                Database = "postgres",
                Pooling = true,
                MaxPoolSize = 20,
            }.ToString();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; }

    public string ConnectionString { get; } = "";

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// Starts the server (again) on the same data directory and port, waiting until it accepts connections;
    /// used after <see cref="Stop"/> to end a simulated outage.
    /// </summary>
    public void Start()
    {
        RunPostgres("pg_ctl", "-D", _data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "30", "-o",
            $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start");
        _started = true;
    }

    /// <summary>
    /// Stops the server as an operator or a crashing host would take it away: fast mode ends every open session
    /// at once (clients see their connections dropped, new ones refused). The data stays; <see cref="Start"/>
    /// brings it back.
    /// </summary>
    public void Stop()
    {
        RunPostgres("pg_ctl", "-D", _data, "-m", "fast", "-w", "-t", "30", "stop");
        _started = false;
        // This process's own pooled connections died with the server: later queries must open fresh ones.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Runs a query that returns one value.</summary>
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        try
        {
            if (_started)
                RunPostgres("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            _started = false;
            NpgsqlConnection.ClearAllPools();
            if (Directory.Exists(_directory))
                Directory.Delete(_directory, recursive: true);
        }
    }

    private static void RunPostgres(string tool, params string[] args)
    {
        var path = Path.Combine(s_bin, tool);
        if (IsRoot)
            Run("runuser", ["-u", "postgres", "--", path, .. args]);
        else
            Run(path, args);
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {output.Result}{error.Result}");
    }

}
