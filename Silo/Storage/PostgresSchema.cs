using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MicroSeg.Silo.Storage;

/// <summary>
/// Creates or brings up to date the PostgreSQL schema of cluster mode: the tables and <c>OrleansQuery</c>
/// rows that Orleans' ADO.NET clustering, grain storage, reminder and stream providers read. The scripts are
/// <c>deploy/sql/postgresql/*.sql</c>, embedded in this assembly, applied in name order.
/// </summary>
/// <remarks>
/// The host awaits <see cref="ApplyAsync(string, ILogger, CancellationToken)"/> before it starts Orleans, so
/// the query catalogue exists before the first provider (membership, at runtime initialization) reads it,
/// and a database that cannot be reached or set up stops the process with one clear message. Every script
/// is idempotent and all of them run in one transaction holding a transaction-scoped advisory lock, so silos
/// starting together against an empty database apply them one after the other (CREATE TABLE IF NOT EXISTS
/// and CREATE OR REPLACE FUNCTION race when run concurrently), and a failing script leaves nothing behind.
/// </remarks>
internal sealed partial class PostgresSchema
{
    /// <summary>Logical name prefix of the embedded scripts (see the EmbeddedResource item in Silo.csproj).</summary>
    public const string ResourcePrefix = "MicroSeg.Silo.Sql.PostgreSql.";

    /// <summary>Key of the advisory lock that serializes schema application: "MSEGORLS" in ASCII.</summary>
    public const long AdvisoryLockKey = 0x4D53_4547_4F52_4C53;

    private static readonly Lazy<IReadOnlyList<Script>> s_embedded = new(LoadEmbedded);

    private readonly string _connectionString;
    private readonly IReadOnlyList<Script> _scripts;
    private readonly ILogger _logger;

    private PostgresSchema(string connectionString, IReadOnlyList<Script> scripts, ILogger logger)
    {
        _connectionString = connectionString;
        _scripts = scripts;
        _logger = logger;
    }

    /// <summary>The embedded scripts, in the order they are applied.</summary>
    public static IReadOnlyList<Script> EmbeddedScripts => s_embedded.Value;

    /// <summary>Applies the embedded scripts to the database of <paramref name="connectionString"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The database cannot be reached (the message names host, port, database and user, and what to check) or a
    /// script failed (the message names the file, the line and PostgreSQL's error).
    /// </exception>
    public static Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken) =>
        ApplyAsync(connectionString, EmbeddedScripts, logger, cancellationToken);

    /// <summary>Applies <paramref name="scripts"/>, in the given order, as <see cref="ApplyAsync(string, ILogger, CancellationToken)"/> does.</summary>
    public static Task ApplyAsync(string connectionString, IReadOnlyList<Script> scripts, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(scripts);
        ArgumentNullException.ThrowIfNull(logger);
        return new PostgresSchema(connectionString, scripts, logger).RunAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        NpgsqlConnectionStringBuilder target;
        try
        {
            target = new NpgsqlConnectionStringBuilder(_connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new InvalidOperationException($"The PostgreSQL connection string is not valid: {e.Message}", e);
        }

        // A connection of its own, closed when done, whose errors name the failed statement and carry their detail
        // (schema statements hold no user data).
        var own = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false, IncludeFailedBatchedCommand = true, IncludeErrorDetail = true };
        await using var connection = new NpgsqlConnection(own.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e.Message.TrimEnd('.');
            if (e.InnerException is { Message: { Length: > 0 } inner } && !reason.Contains(inner, StringComparison.Ordinal))
                reason += $" ({inner.TrimEnd('.')})";
            throw new InvalidOperationException(
                $"Cannot connect to PostgreSQL at {Endpoint(target)} (database '{target.Database ?? target.Username}', user '{target.Username}'): {reason}. " +
                "Check that PostgreSQL is running and listening on that host and port (listen_addresses, port, firewall), " +
                "that pg_hba.conf admits this host and user, that the password is right, that the database exists, " +
                "and the --postgres connection string.", e);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var prepare = new NpgsqlCommand("SET LOCAL client_min_messages = warning; SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            // Waits while another silo applies the schema; released when that transaction ends.
            prepare.Parameters.AddWithValue("key", AdvisoryLockKey);
            prepare.CommandTimeout = 300;
            try
            {
                await prepare.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException(
                    $"Waiting for the schema lock (pg_advisory_xact_lock({AdvisoryLockKey})) on {Endpoint(target)} failed: {e.Message} " +
                    "Another session may hold it while applying the schema: see pg_locks where locktype = 'advisory'.", e);
            }
        }

        foreach (var script in _scripts)
        {
            // One batch per script, one batch command per statement: a single round trip, and PostgreSQL's error
            // names the statement that failed, so the message can give its line in the file.
            var statements = Statements(script.Sql).ToArray();
            await using var batch = new NpgsqlBatch(connection, transaction) { Timeout = 300 };
            foreach (var statement in statements)
                batch.BatchCommands.Add(new NpgsqlBatchCommand(statement.Text));
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e)
            {
                var failed = e.BatchCommand is { } command ? batch.BatchCommands.IndexOf(command) : -1;
                var line = failed < 0 ? "" : $" line {Line(script.Sql, statements[failed], e.Position)}";
                throw new InvalidOperationException(
                    $"PostgreSQL schema script {script.Name}{line} failed: {e.SqlState}: {e.MessageText}" +
                    (e.Detail is { Length: > 0 } detail ? $" ({detail})" : "") +
                    (e.Where is { Length: > 0 } where ? $" [{where}]" : "") +
                    $". Nothing of the schema was changed (database '{target.Database}' at {Endpoint(target)}).", e);
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL schema script {script.Name} failed: {e.Message} Nothing of the schema was changed " +
                    $"(database '{target.Database}' at {Endpoint(target)}).", e);
            }

            LogScriptApplied(_logger, script.Name, statements.Length);
        }

        await transaction.CommitAsync(cancellationToken);
        LogSchemaApplied(_logger, _scripts.Count, Endpoint(target), target.Database ?? target.Username ?? "",
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static string Endpoint(NpgsqlConnectionStringBuilder target) =>
        $"{(string.IsNullOrEmpty(target.Host) ? "localhost" : target.Host)}:{target.Port}";

    /// <summary>The 1-based line in <paramref name="sql"/> of <paramref name="position"/> (1-based, 0 for none) in the statement.</summary>
    private static int Line(string sql, Statement statement, int position)
    {
        var end = statement.Start + (position > 0 && position <= statement.Text.Length ? position - 1 : FirstCode(statement.Text));
        var line = 1;
        for (var i = 0; i < end; i++)
        {
            if (sql[i] == '\n')
                line++;
        }

        return line;
    }

    /// <summary>
    /// Splits a script at the semicolons that end statements: not those inside comments (-- and nested /* */),
    /// quoted strings ('', E'' with backslash escapes), quoted identifiers or dollar-quoted bodies ($tag$ ... $tag$).
    /// Pieces that hold only comments and blanks are dropped.
    /// </summary>
    internal static IEnumerable<Statement> Statements(string sql)
    {
        var start = 0;
        var code = false;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (SkipComment(sql, i) is var afterComment and > 0)
            {
                i = afterComment;
                continue;
            }

            if (c == ';')
            {
                if (code)
                    yield return new Statement(start, sql[start..i]);
                start = ++i;
                code = false;
                continue;
            }

            code |= !char.IsWhiteSpace(c);
            if (c is '\'' or '"')
            {
                var escapes = c == '\'' && i > 0 && sql[i - 1] is 'E' or 'e' && (i == 1 || !IsWordChar(sql[i - 2]));
                i++;
                while (i < sql.Length)
                {
                    if (escapes && sql[i] == '\\')
                        i += 2;
                    else if (sql[i] == c && i + 1 < sql.Length && sql[i + 1] == c)
                        i += 2;
                    else if (sql[i++] == c)
                        break;
                }
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = close < 0 ? sql.Length : close + tag.Length;
            }
            else
            {
                i++;
            }
        }

        if (code)
            yield return new Statement(start, sql[start..]);
    }

    /// <summary>The index just past the comment that starts at <paramref name="i"/>, or 0 if none does.</summary>
    private static int SkipComment(string sql, int i)
    {
        if (At(sql, i, "--"))
            return sql.IndexOf('\n', i) is var eol and >= 0 ? eol + 1 : sql.Length;
        if (!At(sql, i, "/*"))
            return 0;
        var depth = 0;
        do
        {
            if (At(sql, i, "/*"))
                (depth, i) = (depth + 1, i + 2);
            else if (At(sql, i, "*/"))
                (depth, i) = (depth - 1, i + 2);
            else
                i++;
        }
        while (depth > 0 && i < sql.Length);
        return i;
    }

    /// <summary>Index of the first character of <paramref name="text"/> that is neither blank nor comment.</summary>
    private static int FirstCode(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (SkipComment(text, i) is var afterComment and > 0)
                i = afterComment;
            else if (char.IsWhiteSpace(text[i]))
                i++;
            else
                return i;
        }

        return 0;
    }

    private static bool At(string sql, int i, string token) =>
        i + token.Length <= sql.Length && string.CompareOrdinal(sql, i, token, 0, token.Length) == 0;

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    /// <summary>"$tag$" (or "$$") opening at <paramref name="i"/>; null for a positional parameter such as $1 or a $ inside a word.</summary>
    private static string? DollarTag(string sql, int i)
    {
        if (i > 0 && IsWordChar(sql[i - 1]))
            return null;
        var j = i + 1;
        if (j < sql.Length && char.IsDigit(sql[j]))
            return null;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_'))
            j++;
        return j < sql.Length && sql[j] == '$' ? sql[i..(j + 1)] : null;
    }

    private static IReadOnlyList<Script> LoadEmbedded()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new Script(name[ResourcePrefix.Length..], Read(assembly, name)))
            .ToArray();
        if (scripts.Length == 0)
            throw new InvalidOperationException(
                $"{assembly.GetName().Name} embeds no PostgreSQL schema scripts (resources '{ResourcePrefix}*.sql'): the build lost deploy/sql/postgresql.");
        return scripts;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} cannot be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "PostgreSQL schema script {Script} applied ({Statements} statements)")]
    private static partial void LogScriptApplied(ILogger logger, string script, int statements);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema applied: {Count} scripts on {Endpoint}/{Database} in {Milliseconds} ms")]
    private static partial void LogSchemaApplied(ILogger logger, int count, string endpoint, string database, long milliseconds);

    /// <summary>One schema script: its file name and its SQL.</summary>
    internal sealed record Script(string Name, string Sql);

    /// <summary>One statement of a script: its text, without the closing semicolon, and where it starts in the script.</summary>
    internal sealed record Statement(int Start, string Text);
}
