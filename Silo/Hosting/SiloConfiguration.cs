using System.Net;
using MicroSeg.Grains;
using MicroSeg.Grains.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MicroSeg.Silo.Flows;
using MicroSeg.Silo.Storage;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.Dashboard;

namespace MicroSeg.Silo.Hosting;

/// <summary>Which Orleans providers a silo uses, by mode: embedded (SQLite) or cluster (PostgreSQL).</summary>
internal static class SiloConfiguration
{
    /// <summary>Cluster and service id of every MicroSeg cluster: one database holds one cluster.</summary>
    public const string ClusterId = "microseg";

    /// <summary>ADO.NET invariant name of Npgsql.</summary>
    public const string Npgsql = "Npgsql";

    /// <summary>Storage name Orleans' stream providers keep their pub-sub state under.</summary>
    private const string PubSubStore = "PubSubStore";

    public static void Configure(ISiloBuilder silo, SiloCommandOptions options)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ClusterId;
        });
        silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = options.Name);
        if (options.Postgres is { } postgres)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(options.Advertise), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.Advertise != "127.0.0.1");
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = postgres;
            });
            silo.AddAdoNetGrainStorageAsDefault(o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = postgres;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = postgres;
            });
            // The fan-out queue lives in PostgreSQL: an event published by a silo that is then killed is
            // still delivered by another. Its subscriptions are implicit, but the provider keeps its pub-sub
            // state in "PubSubStore", which must outlive a silo too.
            silo.AddAdoNetStreams(PolicyStreams.Provider, o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = postgres;
            });
            silo.AddAdoNetGrainStorage(PubSubStore, o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = postgres;
            });
            // A storage failure travels from the grain's silo to the silo that serves the API call as the
            // Npgsql exception it is, so the API can answer 503 (database unavailable) instead of 500. Orleans
            // only serializes exception types from namespaces it is told about; without this the reply fails
            // with "Could not find a codec for type Npgsql.PostgresException".
            silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
            silo.AddPostgresFlowHistory(postgres);
        }
        else
        {
            var database = DatabasePath(options);
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            WithoutDirectoryCache(silo);
            silo.AddSqliteGrainStorageAsDefault(o => o.DatabasePath = database);
            silo.UseSqliteReminderService(o => o.DatabasePath = database);
            silo.AddSqliteFlowHistory(Path.GetDirectoryName(database)!);
            AddMemoryFanout(silo);
        }
        ConfigureShared(silo);
        silo.AddStartupTask<IndexWarmup>();
    }

    /// <summary>
    /// For a single silo: it owns every directory entry, so a cache of where grains live saves no remote lookup. Its
    /// size gauge, which the dashboard samples every second, walks every cached entry: with a cache entry per
    /// workload grain that was ~3 % of the silo's CPU under write load at 50,000 workloads. The size matters even so:
    /// Orleans still makes a cache for grains of other directories (we have none), and its dictionary is made with
    /// room for that many entries, every bucket of which the gauge walks (1,000,000 by default: 9 % of an idle
    /// silo's CPU with 10,000 workloads).
    /// </summary>
    public static void WithoutDirectoryCache(ISiloBuilder silo) =>
        silo.Configure<GrainDirectoryOptions>(o =>
        {
            o.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None;
            o.CacheSize = 1024;
        });

    /// <summary>The embedded silo's one SQLite file: grain state, reminders and the cluster identity.</summary>
    public static string DatabasePath(SiloCommandOptions options) => Path.Combine(Path.GetFullPath(options.Data), "microseg.db");

    /// <summary>How often the in-memory fan-out queue is polled (Orleans' default is 100 ms).</summary>
    internal static readonly TimeSpan MemoryFanoutPollPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// In-memory fan-out for a single silo and for tests. Events are hints: node grains are level-triggered
    /// (they recompute on activation, on a version gap and every reconcile period), so an event lost with
    /// the process delays convergence and never leaves a node wrong.
    /// </summary>
    public static void AddMemoryFanout(ISiloBuilder silo)
    {
        // Orleans' pulling agent polls a queue every 100 ms by default, so an isolated change waited up to
        // 100 ms before its fan-out started (the label-change latency benchmark was idle, not busy). An
        // in-memory queue is cheap to poll: 10 ms bounds that wait for a few hundred local calls a second.
        silo.AddMemoryStreams(PolicyStreams.Provider, streams => streams.ConfigurePullingAgent(agent =>
            agent.Configure(o => o.GetQueueMsgsTimerPeriod = MemoryFanoutPollPeriod)));
        silo.AddMemoryGrainStorage(PubSubStore);
    }

    /// <summary>What every silo has whatever its storage: the grains' services, membership timing and the dashboard.</summary>
    public static void ConfigureShared(ISiloBuilder silo)
    {
        silo.AddMicroSegGrains();
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            // A dead silo is declared in about a second instead of the default ~10 s: the API answers
            // 503 meanwhile, and a shorter window means fewer of those.
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            // A silo that was frozen or cut off while the others declared it dead learns it at its next table
            // read, and only then stops (non-zero exit, so its supervisor restarts it); until then it may serve
            // duplicates of grains already re-activated elsewhere. 10 s instead of the default 60 s bounds that
            // window, for one membership read per silo per 10 s.
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        });
        // The dashboard samples every Orleans counter each period, and some of them walk per-activation tables:
        // at 50,000 workloads (as many activations) the default 1 s period cost ~9 % of the silo's CPU under
        // write load. 5 s keeps the charts live for operators at a fifth of that.
        silo.AddDashboard(o => o.CounterUpdateIntervalMs = 5000);
        // Replaces Orleans' default (JSON) for every provider that does not name its own serializer.
        silo.Services.AddSingleton<IGrainStorageSerializer>(GrainStateSerialization.Create);
        // Silos without a store identity (tests on memory storage) still activate node grains; their agents
        // then guard on entry counts only.
        silo.Services.TryAddSingleton(ClusterIdentity.Unknown);
    }
}
