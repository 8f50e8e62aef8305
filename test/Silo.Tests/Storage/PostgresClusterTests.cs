using System.Diagnostics;
using System.Text;
using MicroSeg.Silo.Storage;
using MicroSeg.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace MicroSeg.Silo.Tests.Storage;

/// <summary>
/// Three in-process silos on a fresh PostgreSQL database carrying the schema of deploy/sql/postgresql, with the
/// stock Orleans ADO.NET providers: membership, grain storage, reminders and streams all go through the query
/// texts the schema stored. One cluster serves every test of the class.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresFixture server, PostgresClusterTests.ClusterFixture fixture, ITestOutputHelper output)
    : IClassFixture<PostgresClusterTests.ClusterFixture>
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Deploy_ThreeSilosOnFreshDatabase_MembershipTableShowsThreeActiveRows()
    {
        var cluster = await fixture.GetAsync(server);
        output.WriteLine($"3-silo cluster up in {fixture.StartupTime.TotalSeconds:F1} s");

        var statuses = await PostgresTestDatabases.ColumnAsync(fixture.ConnectionString,
            $"SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = '{cluster.Options.ClusterId}'");
        var version = await PostgresTestDatabases.ScalarAsync<int>(fixture.ConnectionString,
            "SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = @id", ("id", cluster.Options.ClusterId));

        Assert.Equal(["3", "3", "3"], statuses);
        // Each silo inserted its row (Joining) and then became Active: at least two versioned writes apiece.
        Assert.True(version >= 6, $"membership version {version}");
        // The client found its gateways through GatewaysQueryKey.
        Assert.Equal(3, (await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task PersistentState_WrittenThenDeactivated_IsReadBackFromPostgresOnEverySilo()
    {
        var cluster = await fixture.GetAsync(server);
        var grain = cluster.GrainFactory.GetGrain<IPostgresStateGrain>(Guid.NewGuid());
        var value = $"hello-{Guid.NewGuid():N}";

        var written = await grain.SetAsync(value);
        await grain.DeactivateAsync();
        var read = await grain.GetAsync();

        Assert.NotEqual(written.Activation, read.Activation);
        Assert.Equal((value, 1, "1", true), (read.Value, read.Writes, read.ETag, read.RecordExists));
        // Every other silo's provider reads the same row (the storage key is the state name and the grain key).
        foreach (var silo in cluster.Silos.OfType<InProcessSiloHandle>().Where(s => s.SiloAddress.ToString() != written.Silo))
        {
            var state = new GrainState<PostgresTestState>();
            await silo.ServiceProvider.GetRequiredKeyedService<IGrainStorage>("Default").ReadStateAsync("state", grain.GetGrainId(), state);
            Assert.Equal((value, "1"), (state.State?.Value, state.ETag));
        }

        // Stored by the provider's default serializer: Newtonsoft JSON text, with type names.
        var payload = Encoding.UTF8.GetString(await PostgresTestDatabases.ScalarAsync<byte[]>(fixture.ConnectionString,
            "SELECT PayloadBinary FROM OrleansStorage WHERE position(@value in convert_from(PayloadBinary, 'UTF8')) > 0", ("value", value)));
        Assert.StartsWith("{", payload, StringComparison.Ordinal);
        Assert.Contains($"\"Value\":\"{value}\"", payload, StringComparison.Ordinal);
        output.WriteLine($"written on {written.Silo}, read on {read.Silo}: {payload}");
    }

    [Fact]
    public async Task WriteState_RowChangedByAnotherWriter_ThrowsInconsistentStateAndKeepsTheRow()
    {
        var cluster = await fixture.GetAsync(server);
        var grain = cluster.GrainFactory.GetGrain<IPostgresStateGrain>(Guid.NewGuid());
        var first = $"first-{Guid.NewGuid():N}";
        await grain.SetAsync(first);
        // Another writer (another activation, another process) moved the row on: the grain's ETag is now stale.
        await using (var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var bump = new Npgsql.NpgsqlCommand(
                "UPDATE OrleansStorage SET Version = Version + 1 WHERE position(@value in convert_from(PayloadBinary, 'UTF8')) > 0", connection);
            bump.Parameters.AddWithValue("value", first);
            Assert.Equal(1, await bump.ExecuteNonQueryAsync());
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.SetAsync("second"));

        Assert.Equal(2, await PostgresTestDatabases.ScalarAsync<int>(fixture.ConnectionString,
            "SELECT Version FROM OrleansStorage WHERE position(@value in convert_from(PayloadBinary, 'UTF8')) > 0", ("value", first)));
    }

    [Fact]
    public async Task WriteState_EightConcurrentWritersWithOneETag_ExactlyOneSucceeds()
    {
        var cluster = await fixture.GetAsync(server);
        var storage = cluster.Silos.OfType<InProcessSiloHandle>().First().ServiceProvider.GetRequiredKeyedService<IGrainStorage>("Default");
        var grainId = GrainId.Create("postgres-race", Guid.NewGuid().ToString("N"));
        var initial = new GrainState<PostgresTestState>(new PostgresTestState { Value = "initial" });
        await storage.WriteStateAsync("PostgresRace", grainId, initial);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run<string?>(async () =>
        {
            var mine = new GrainState<PostgresTestState>(new PostgresTestState { Value = $"writer-{i}" }) { ETag = initial.ETag, RecordExists = true };
            try
            {
                await storage.WriteStateAsync("PostgresRace", grainId, mine);
                return $"writer-{i}";
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        })));

        var winner = Assert.Single(outcomes, o => o is not null);
        var stored = new GrainState<PostgresTestState>();
        await storage.ReadStateAsync("PostgresRace", grainId, stored);
        Assert.Equal(("1", "2", winner), (initial.ETag, stored.ETag, stored.State?.Value));
    }

    [Fact]
    public async Task ClearState_KeepingTheRow_MovesETagAndRejectsWritersFromBeforeTheClear()
    {
        var cluster = await fixture.GetAsync(server);
        var storage = cluster.Silos.OfType<InProcessSiloHandle>().Last().ServiceProvider.GetRequiredKeyedService<IGrainStorage>("Default");
        var grainId = GrainId.Create("postgres-clear", Guid.NewGuid().ToString("N"));
        var state = new GrainState<PostgresTestState>(new PostgresTestState { Value = "before" });
        await storage.WriteStateAsync("PostgresClear", grainId, state);
        var beforeClear = new GrainState<PostgresTestState>(new PostgresTestState { Value = "late" }) { ETag = state.ETag, RecordExists = true };

        await storage.ClearStateAsync("PostgresClear", grainId, state);

        var read = new GrainState<PostgresTestState>();
        await storage.ReadStateAsync("PostgresClear", grainId, read);
        Assert.Equal(("2", false, "2"), (state.ETag, read.RecordExists, read.ETag));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("PostgresClear", grainId, beforeClear));
        read.State = new PostgresTestState { Value = "after" };
        await storage.WriteStateAsync("PostgresClear", grainId, read);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task Reminder_RegisteredOnCluster_IsListedStoredFiresAndUnregisters()
    {
        var cluster = await fixture.GetAsync(server);
        var key = $"reminders-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<IPostgresReminderGrain>(key);

        await grain.RegisterAsync("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        Assert.Equal(["tick"], await grain.GetReminderNamesAsync());
        Assert.Equal(1000L, await PostgresTestDatabases.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT Period FROM OrleansRemindersTable WHERE ReminderName = 'tick' AND position(@key in GrainId) > 0", ("key", key)));
        Assert.True(await EventuallyAsync(async () => await grain.GetTicksAsync("tick") >= 1), "the reminder never fired");

        await grain.UnregisterAsync("tick");
        Assert.Empty(await grain.GetReminderNamesAsync());
        Assert.Equal(0L, await PostgresTestDatabases.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM OrleansRemindersTable WHERE position(@key in GrainId) > 0", ("key", key)));
    }

    [Fact]
    public async Task Stream_EventPublishedOnAdoNetProvider_DeliveredOnceToImplicitSubscriberAndConfirmed()
    {
        var cluster = await fixture.GetAsync(server);
        var streamKey = Guid.NewGuid();
        var item = $"event-{Guid.NewGuid():N}";

        await cluster.GrainFactory.GetGrain<IPostgresStreamProducerGrain>(Guid.NewGuid()).PublishAsync(streamKey, item);

        var consumer = cluster.GrainFactory.GetGrain<IPostgresStreamConsumerGrain>(streamKey);
        Assert.True(await EventuallyAsync(async () => (await consumer.GetReceivedAsync()).Length > 0), "the event never arrived");
        // Confirmed delivery deletes the queue row.
        Assert.True(await EventuallyAsync(async () => await PostgresTestDatabases.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM OrleansStreamMessage WHERE ProviderId = @provider", ("provider", PostgresTestStreams.Provider)) == 0),
            "the delivered message was never confirmed");
        Assert.Equal([item], await consumer.GetReceivedAsync());
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < s_patience)
        {
            if (await condition())
                return true;
            await Task.Delay(200);
        }

        return await condition();
    }

    /// <summary>The cluster shared by the tests of <see cref="PostgresClusterTests"/>, started on first use.</summary>
    public sealed class ClusterFixture : IAsyncLifetime
    {
        public const string ConnectionStringKey = "MicroSegTests:Postgres";
        private readonly SemaphoreSlim _gate = new(1, 1);
        private TestCluster? _cluster;

        public string ConnectionString { get; private set; } = "";

        public TimeSpan StartupTime { get; private set; }

        public async Task<TestCluster> GetAsync(PostgresFixture server)
        {
            await _gate.WaitAsync();
            try
            {
                if (_cluster is not null)
                    return _cluster;

                ConnectionString = await PostgresTestDatabases.CreateAsync(server, "cluster");
                // As the silo host does before it starts Orleans.
                await PostgresSchema.ApplyAsync(ConnectionString, NullLogger.Instance, CancellationToken.None);

                var builder = new TestClusterBuilder(3);
                builder.Options.UseTestClusterMembership = false;
                builder.Options.ConfigureFileLogging = false;
                builder.Properties[ConnectionStringKey] = ConnectionString;
                builder.AddSiloBuilderConfigurator<SiloConfigurator>();
                builder.AddClientBuilderConfigurator<ClientConfigurator>();
                var cluster = builder.Build();
                var started = Stopwatch.StartNew();
                await cluster.DeployAsync();
                StartupTime = started.Elapsed;
                return _cluster = cluster;
            }
            finally
            {
                _gate.Release();
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_cluster is { } cluster)
            {
                await cluster.StopAllSilosAsync();
                await cluster.DisposeAsync();
            }

            _gate.Dispose();
        }
    }

    /// <summary>The cluster-mode providers of a MicroSeg silo, all on the test database.</summary>
    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var connectionString = silo.Configuration[ClusterFixture.ConnectionStringKey]
                ?? throw new InvalidOperationException($"{ClusterFixture.ConnectionStringKey} is not configured.");
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage("Default", o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage("PubSubStore", o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.AddAdoNetStreams(PostgresTestStreams.Provider, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
        }
    }

    /// <summary>The test client finds the gateways in the membership table.</summary>
    public sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            var connectionString = configuration[ClusterFixture.ConnectionStringKey]
                ?? throw new InvalidOperationException($"{ClusterFixture.ConnectionStringKey} is not configured.");
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
        }
    }
}
