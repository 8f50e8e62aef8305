using System.Data;
using System.Net;
using System.Net.Sockets;
using MicroSeg.Silo.Storage;
using MicroSeg.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Xunit;
using Xunit.Abstractions;

namespace MicroSeg.Silo.Tests.Storage;

/// <summary>The private PostgreSQL server, shared by every PostgreSQL test class of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

/// <summary>Fresh databases on the shared server, one per test, so each starts empty.</summary>
internal static class PostgresTestDatabases
{
    public static async Task<string> CreateAsync(PostgresFixture server, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await server.ExecuteAsync($"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ToString();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<string>> ColumnAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(reader.GetValue(0).ToString()!);
        return values;
    }
}

/// <summary>
/// <see cref="PostgresSchema"/> and the SQL in deploy/sql/postgresql against a real PostgreSQL 15: applying it
/// (concurrently, repeatedly, failing), and the contract the Orleans ADO.NET providers rely on, exercised through
/// the providers' own table classes where they are public and through the stored query texts where not.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture server, ITestOutputHelper output)
{
    /// <summary>Every query key the four providers (10.4.2) ask for, plus the optional ones this schema provides.</summary>
    private static readonly string[] s_queryKeys =
    [
        // Clustering.AdoNet (CleanupDefunctSiloEntryKey is optional).
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        // Persistence.AdoNet (DeleteStorageKey is needed only with DeleteStateOnClear).
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        // Reminders.AdoNet.
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
        // Streaming.AdoNet.
        "QueueStreamMessageKey", "GetStreamMessagesKey", "ConfirmStreamMessagesKey", "FailStreamMessageKey",
        "EvictStreamMessagesKey", "EvictStreamDeadLettersKey",
    ];

    private static readonly string[] s_tables =
    [
        "orleansquery", "orleansmembershipversiontable", "orleansmembershiptable", "orleansstorage", "orleansreminderstable",
        "orleansstreammessage", "orleansstreamdeadletter", "orleansstreamcontrol", "microsegcluster", "microseg_flows", "microsegclustersecret",
    ];

    [Fact]
    public void EmbeddedScripts_SiloAssembly_AreTheSevenFilesInNameOrder()
    {
        Assert.Equal(
            ["00-main.sql", "10-clustering.sql", "20-persistence.sql", "30-reminders.sql", "40-streaming.sql", "50-cluster-identity.sql", "60-flows.sql", "70-cluster-secret.sql"],
            PostgresSchema.EmbeddedScripts.Select(s => s.Name));
        Assert.All(PostgresSchema.EmbeddedScripts, s => Assert.Contains("IF NOT EXISTS", s.Sql, StringComparison.Ordinal));
    }

    [Fact]
    public void Statements_SemicolonsInStringsCommentsAndDollarQuotes_SplitOnlyAtStatementEnds()
    {
        const string sql = "-- lead; comment\nSELECT ';', E'\\';', \"a;b\";\n/* x; /* nested; */ y; */\n" +
                           "DO $do$ BEGIN PERFORM 1; END $do$;\nSELECT $1, $$;$$ -- tail;\n;\n  -- only a comment;\n";

        var statements = PostgresSchema.Statements(sql).ToArray();

        Assert.Equal(3, statements.Length);
        Assert.EndsWith("SELECT ';', E'\\';', \"a;b\"", statements[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("DO $do$ BEGIN PERFORM 1; END $do$", statements[1].Text, StringComparison.Ordinal);
        Assert.Equal(sql.IndexOf("\nSELECT $1", StringComparison.Ordinal), statements[2].Start);
    }

    [Fact]
    public async Task ApplyAsync_ThreeSilosAtOnceOnEmptyDatabase_CreatesEveryTableAndOneRowPerQueryKey()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "schema_race");

        // Three silos starting together, each with its own connection, then a fourth start later.
        using var gate = new Barrier(3);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            gate.SignalAndWait();
            await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        })));
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);

        var keys = await PostgresTestDatabases.ColumnAsync(database, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey");
        Assert.Equal(s_queryKeys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Equal(0L, await PostgresTestDatabases.ScalarAsync<long>(database,
            "SELECT count(*) FROM (SELECT QueryKey FROM OrleansQuery GROUP BY QueryKey HAVING count(*) > 1) AS duplicates"));
        var tables = await PostgresTestDatabases.ColumnAsync(database,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        Assert.Equal(s_tables.Order(StringComparer.Ordinal), tables);
    }

    [Fact]
    public async Task ApplyAsync_DatabaseAlreadyInUse_KeepsRowsAndRestoresEditedQueryTexts()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "schema_again");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var seed = new NpgsqlCommand(
                "INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version) VALUES ('live', 7);" +
                "UPDATE OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'GatewaysQueryKey';", connection);
            await seed.ExecuteNonQueryAsync();
        }

        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(7, await PostgresTestDatabases.ScalarAsync<int>(database,
            "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = 'live'"));
        var gateways = await PostgresTestDatabases.ScalarAsync<string>(database,
            "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'");
        Assert.Contains("ProxyPort", gateways, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_NothingListensOnPort_ThrowsNamingHostPortAndWhatToCheck()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var unreachable = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Port = port, Timeout = 3 }.ToString();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PostgresSchema.ApplyAsync(unreachable, NullLogger.Instance, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("listening on that host and port", error.Message, StringComparison.Ordinal);
        Assert.Contains("pg_hba.conf", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }

    [Fact]
    public async Task ApplyAsync_ScriptWithSyntaxError_NamesFileAndLineAndRollsBackEarlierScripts()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "schema_broken");
        PostgresSchema.Script[] scripts =
        [
            new("01-fine.sql", "CREATE TABLE IF NOT EXISTS fine (id integer);\n"),
            new("02-broken.sql", "-- first line\nCREATE TABLE IF NOT EXISTS fine2 (id integer);\nCREATE TABLE broken (id integr);\n"),
        ];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PostgresSchema.ApplyAsync(database, scripts, NullLogger.Instance, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains("02-broken.sql line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("integr", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await PostgresTestDatabases.ScalarAsync<long>(database,
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('fine', 'fine2')"));
    }

    [Fact]
    public async Task ApplyAsync_StatementFailingAtRunTime_NamesTheLineWhereThatStatementStarts()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "schema_runtime");
        PostgresSchema.Script[] scripts = [new("05-runtime.sql", "SELECT 1;\n-- a comment; with a semicolon\n\nSELECT 1 / 0;\n")];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PostgresSchema.ApplyAsync(database, scripts, NullLogger.Instance, CancellationToken.None));

        Assert.StartsWith("PostgreSQL schema script 05-runtime.sql line 4 failed: 22012: division by zero", error.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(error.InnerException);
    }

    [Fact]
    public async Task InsertRow_FiveSilosRaceOnOneTableVersion_ExactlyOneWinsAndVersionMovesOnce()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "membership_race");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var table = await MembershipTableAsync(database, "race");
        var before = await table.ReadAllAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Task.Run(() => table.InsertRowAsync(Entry(11_000 + i, SiloStatus.Joining), before.Version.Next()))));

        Assert.Single(results, inserted => inserted);
        var after = await table.ReadAllAsync();
        Assert.Single(after.Members);
        Assert.Equal(before.Version.Version + 1, after.Version.Version);

        // A silo still holding the old version loses, and changes nothing.
        Assert.False(await table.InsertRowAsync(Entry(12_000, SiloStatus.Joining), before.Version.Next()));
        Assert.Equal(after.Version.Version, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateRow_StaleTableVersion_IsRejectedAndRowKept()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "membership_update");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var table = await MembershipTableAsync(database, "update");
        var entry = Entry(13_000, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var current = await table.ReadAllAsync();

        entry.Status = SiloStatus.Active;
        Assert.True(await table.UpdateRowAsync(entry, current.Version.VersionEtag, current.Version.Next()));
        entry.Status = SiloStatus.Dead;
        var stale = await table.UpdateRowAsync(entry, current.Version.VersionEtag, current.Version.Next());

        Assert.False(stale);
        var row = (await table.ReadRowAsync(entry.SiloAddress)).Members.Single().Item1;
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Equal(current.Version.Version + 1, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_RegisteredSilo_MovesLivenessButNotTableVersion()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "membership_alive");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var table = await MembershipTableAsync(database, "alive");
        var entry = Entry(15_000, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        entry.IAmAliveTime = DateTime.UtcNow;
        await table.UpdateIAmAliveAsync(entry);

        var after = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal(entry.IAmAliveTime, after.Members.Single().Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(DateTimeKind.Utc, after.Members.Single().Item1.IAmAliveTime.Kind);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_OneOfTwoClusters_RemovesOnlyThatClustersRows()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "membership_delete");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var doomed = await MembershipTableAsync(database, "doomed");
        var kept = await MembershipTableAsync(database, "kept");
        Assert.True(await doomed.InsertRowAsync(Entry(16_000, SiloStatus.Active), (await doomed.ReadAllAsync()).Version.Next()));
        Assert.True(await kept.InsertRowAsync(Entry(16_000, SiloStatus.Active), (await kept.ReadAllAsync()).Version.Next()));

        await doomed.DeleteMembershipTableEntriesAsync("doomed");

        Assert.Equal(["kept"], await PostgresTestDatabases.ColumnAsync(database, "SELECT DeploymentId FROM OrleansMembershipVersionTable"));
        Assert.Equal(["kept"], await PostgresTestDatabases.ColumnAsync(database, "SELECT DeploymentId FROM OrleansMembershipTable"));
        Assert.Single((await kept.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task StorageQueries_DeleteWithStaleThenCurrentVersion_DeletesOnlyWithCurrent()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "storage_delete");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        (string, object?, DbType)[] key =
        [
            ("GrainIdHash", 11, DbType.Int32), ("GrainIdN0", 1L, DbType.Int64), ("GrainIdN1", 2L, DbType.Int64),
            ("GrainTypeHash", 22, DbType.Int32), ("GrainTypeString", "state", DbType.String),
            ("GrainIdExtensionString", null, DbType.String), ("ServiceId", "svc", DbType.String),
        ];

        var created = await RunStoredAsync(database, "WriteToStorageKey", [.. key, ("GrainStateVersion", null, DbType.Int32), ("PayloadBinary", new byte[] { 1 }, DbType.Binary)]);
        var duplicate = await RunStoredAsync(database, "WriteToStorageKey", [.. key, ("GrainStateVersion", null, DbType.Int32), ("PayloadBinary", new byte[] { 2 }, DbType.Binary)]);
        var stale = await RunStoredAsync(database, "DeleteStorageKey", [.. key, ("GrainStateVersion", 7, DbType.Int32)]);
        var current = await RunStoredAsync(database, "DeleteStorageKey", [.. key, ("GrainStateVersion", 1, DbType.Int32)]);

        Assert.Equal([(object)1], created);
        Assert.Equal([(object)DBNull.Value], duplicate);
        Assert.Empty(stale);
        Assert.Equal([(object)2], current);
        Assert.Equal(0L, await PostgresTestDatabases.ScalarAsync<long>(database, "SELECT count(*) FROM OrleansStorage"));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_DeadAndActiveSilosOlderThanCutoff_RemovesOnlyTheDead()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "membership_cleanup");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var table = await MembershipTableAsync(database, "cleanup");
        var alive = Entry(14_000, SiloStatus.Active);
        var dead = Entry(14_001, SiloStatus.Dead);
        dead.SuspectTimes = [Tuple.Create(alive.SiloAddress, DateTime.UtcNow.AddMinutes(-10))];
        Assert.True(await table.InsertRowAsync(alive, (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await table.InsertRowAsync(dead, (await table.ReadAllAsync()).Version.Next()));
        var version = await table.ReadAllAsync();
        Assert.True(await table.UpdateRowAsync(dead, version.Version.VersionEtag, version.Version.Next()));

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToArray();
        Assert.Equal([alive.SiloAddress], left);
    }

    [Fact]
    public async Task ReadRows_RingSplitInTwoSlices_SlicesAreDisjointAndCoverEveryReminder()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "reminder_ring");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var table = await ReminderTableAsync(database, "ring");
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("ring-test", $"grain-{i}")).ToArray();
        foreach (var grain in grains)
            Assert.NotNull(await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) }));

        // A slice that does not wrap in signed order, and the rest of the ring, which does.
        const uint split1 = 0x4000_0000, split2 = 0xC000_0000;
        var wrapping = await table.ReadRows(split1, split2);
        var plain = await table.ReadRows(split2, split1);
        var whole = await table.ReadRows(split1, split1);

        var names = wrapping.Reminders.Concat(plain.Reminders).Select(r => r.GrainId).ToList();
        Assert.Equal(grains.Length, names.Count);
        Assert.Equal(grains.OrderBy(g => g.ToString()), names.OrderBy(g => g.ToString()));
        Assert.Equal(grains.Length, whole.Reminders.Count);
        Assert.All(plain.Reminders, r => Assert.InRange((int)r.GrainId.GetUniformHashCode(), unchecked((int)split2) + 1, (int)split1));
    }

    [Fact]
    public async Task RemoveRow_StaleReminderETag_IsRejectedAndCurrentOneRemoves()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "reminder_etag");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var table = await ReminderTableAsync(database, "etag");
        var grain = GrainId.Create("etag-test", "one");
        var first = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromDays(60) });
        var second = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromDays(60) });

        Assert.NotEqual(first, second);
        Assert.False(await table.RemoveRow(grain, "r", first!));
        var row = await table.ReadRow(grain, "r");
        Assert.Equal(TimeSpan.FromDays(60), row!.Period);
        Assert.True(await table.RemoveRow(grain, "r", second!));
        Assert.Null(await table.ReadRow(grain, "r"));
    }

    [Fact]
    public async Task StreamQueries_StaleReceiptAndFailures_RedeliverThenDeadLetter()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "stream_queue");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var queries = new StreamQueries(database);

        var queued = await queries.QueueAsync([1, 2, 3]);
        var first = Assert.Single(await queries.DequeueAsync(visibilityTimeout: 0));
        var second = Assert.Single(await queries.DequeueAsync(visibilityTimeout: 60));

        Assert.Equal(queued, first.MessageId);
        Assert.Equal((1, 2), (first.Dequeued, second.Dequeued));
        Assert.Equal([1, 2, 3], second.Payload);
        Assert.Empty(await queries.DequeueAsync(visibilityTimeout: 60));
        // The receipt of the first hand-out is stale: nothing is confirmed.
        Assert.Empty(await queries.ConfirmAsync($"{queued}:1"));
        // A release (negative receipt) makes it visible at once; the failure handler then gives up on it.
        Assert.Equal([queued], await queries.ConfirmAsync($"{queued}:-2"));
        var third = Assert.Single(await queries.DequeueAsync(visibilityTimeout: 60));
        Assert.Equal(3, third.Dequeued);
        await queries.FailAsync(queued, maxAttempts: 3);

        Assert.Equal(0L, await PostgresTestDatabases.ScalarAsync<long>(database, "SELECT count(*) FROM OrleansStreamMessage"));
        Assert.Equal(3, await PostgresTestDatabases.ScalarAsync<int>(database,
            "SELECT Dequeued FROM OrleansStreamDeadLetter WHERE MessageId = @id", ("id", queued)));
    }

    [Fact]
    public async Task StreamQueries_ConfirmCurrentReceipt_DeletesMessageAndExpiredOnesAreEvicted()
    {
        var database = await PostgresTestDatabases.CreateAsync(server, "stream_confirm");
        await PostgresSchema.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);
        var queries = new StreamQueries(database);
        var kept = await queries.QueueAsync([7]);
        var expired = await queries.QueueAsync([8], expiryTimeout: 0);

        var handedOut = Assert.Single(await queries.DequeueAsync(visibilityTimeout: 60));
        var confirmed = await queries.ConfirmAsync($"{kept}:{handedOut.Dequeued}");

        Assert.Equal(kept, handedOut.MessageId);
        Assert.Equal([kept], confirmed);
        Assert.Equal(0L, await PostgresTestDatabases.ScalarAsync<long>(database, "SELECT count(*) FROM OrleansStreamMessage"));
        Assert.Equal(expired, await PostgresTestDatabases.ScalarAsync<long>(database, "SELECT MessageId FROM OrleansStreamDeadLetter"));
    }

    private static async Task<AdoNetClusteringTable> MembershipTableAsync(string database, string clusterId)
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = database }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    /// <summary>Runs a stored query text with parameters as the providers bind them; the first column of each row.</summary>
    private static async Task<List<object>> RunStoredAsync(string database, string key, (string Name, object? Value, DbType Type)[] parameters)
    {
        var text = await PostgresTestDatabases.ScalarAsync<string>(database, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", ("key", key));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(text, connection);
        foreach (var (name, value, type) in parameters)
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<object>();
        while (await reader.ReadAsync())
            values.Add(reader.GetValue(0));
        return values;
    }

    /// <summary>The provider's reminder table (internal to its assembly), as the silo's container builds it.</summary>
    private static async Task<IReminderTable> ReminderTableAsync(string database, string serviceId)
    {
        var services = new ServiceCollection();
        services.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (serviceId, serviceId));
        services.UseAdoNetReminderService(options => options.Configure(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = database;
        }));
        var table = services.BuildServiceProvider().GetRequiredService<IReminderTable>();
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    private static MembershipEntry Entry(int port, SiloStatus status)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
            SiloName = $"silo-{port}",
            HostName = "test-host",
            Status = status,
            ProxyPort = port + 1,
            StartTime = now.AddMinutes(-5),
            IAmAliveTime = now.AddMinutes(-5),
        };
    }

    /// <summary>The stream query texts as stored, run with the parameter names and types the provider binds.</summary>
    private sealed class StreamQueries(string database)
    {
        private const string Service = "svc", Provider = "prov", Queue = "queue-0";

        public async Task<long> QueueAsync(byte[] payload, int expiryTimeout = 600)
        {
            var rows = await RunAsync("QueueStreamMessageKey", r => r.GetInt64(r.GetOrdinal("MessageId")),
                ("Payload", payload, DbType.Binary), ("ExpiryTimeout", expiryTimeout, DbType.Int32));
            return rows.Single();
        }

        public Task<List<(long MessageId, int Dequeued, byte[] Payload)>> DequeueAsync(int visibilityTimeout) =>
            RunAsync("GetStreamMessagesKey",
                r => ((long)r["MessageId"], (int)r["Dequeued"], (byte[])r["Payload"]),
                ("MaxCount", 10, DbType.Int32), ("MaxAttempts", 3, DbType.Int32), ("VisibilityTimeout", visibilityTimeout, DbType.Int32),
                ("RemovalTimeout", 60, DbType.Int32), ("EvictionInterval", 0, DbType.Int32), ("EvictionBatchSize", 100, DbType.Int32));

        public async Task<List<long>> ConfirmAsync(string items) =>
            await RunAsync("ConfirmStreamMessagesKey", r => (long)r["MessageId"], ("Items", items, DbType.String));

        public Task FailAsync(long messageId, int maxAttempts) =>
            RunAsync("FailStreamMessageKey", r => 0,
                ("MessageId", messageId, DbType.Int64), ("MaxAttempts", maxAttempts, DbType.Int32), ("RemovalTimeout", 60, DbType.Int32));

        private async Task<List<T>> RunAsync<T>(string key, Func<NpgsqlDataReader, T> read, params (string Name, object Value, DbType Type)[] parameters)
        {
            var text = await PostgresTestDatabases.ScalarAsync<string>(database, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", ("key", key));
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(text, connection);
            foreach (var (name, value, type) in parameters.Prepend(("ServiceId", Service, DbType.String)).Prepend(("ProviderId", Provider, DbType.String)).Prepend(("QueueId", Queue, DbType.String)))
                command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<T>();
            while (await reader.ReadAsync())
                rows.Add(read(reader));
            return rows;
        }
    }
}
