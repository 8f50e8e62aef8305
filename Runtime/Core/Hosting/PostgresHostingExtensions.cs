using MicroSeg.Runtime.Client;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Postgres;
using MicroSeg.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>PostgreSQL clustering and grain storage (Orleans AdoNet clustering and persistence).</summary>
public static class PostgresHostingExtensions
{
    /// <summary>
    /// Makes the silo a member of a cluster whose membership table is in PostgreSQL: it listens on the silo
    /// port for other silos, heartbeats, detects dead members, and places each grain on one active silo.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the connection string and cluster id.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, Action<PostgresClusteringOptions> configure)
    {
        AddClustering(builder.Services, configure);
        builder.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration("MicroSeg:Membership").ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterMembershipOptions>, ClusterOptionsValidator>());
        builder.Services.TryAddSingleton<IMembershipTable>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresClusteringOptions>>().Value;
            return new PostgresMembershipTable(sp.GetRequiredService<PostgresDatabases>().Get(options.ConnectionString), options.ClusterId);
        });
        return builder;
    }

    /// <summary>Changes heartbeat and failure-detection timing.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder ConfigureMembership(this ISiloBuilder builder, Action<ClusterMembershipOptions> configure)
    {
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Finds gateways in the cluster's PostgreSQL membership table (active silos) instead of a static list.</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Sets the connection string and cluster id.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, Action<PostgresClusteringOptions> configure)
    {
        AddClustering(builder.Services, configure);
        builder.Services.RemoveAll<IGatewayListProvider>();
        builder.Services.TryAddSingleton<DynamicGatewayList>();
        builder.Services.AddSingleton<IGatewayListProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresClusteringOptions>>().Value;
            return new PostgresGatewayListProvider(new PostgresMembershipTable(sp.GetRequiredService<PostgresDatabases>().Get(options.ConnectionString), options.ClusterId));
        });
        return builder;
    }

    /// <summary>Adds a PostgreSQL grain storage provider (jsonb payload, bigint version as ETag).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name used in [PersistentState(state, name)].</param>
    /// <param name="configure">Sets the connection string.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, Action<PostgresGrainStorageOptions> configure)
    {
        var options = new PostgresGrainStorageOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException($"PostgresGrainStorageOptions.ConnectionString of grain storage '{name}' is empty; set it to e.g. Host=…;Database=microseg.", nameof(configure));
        builder.Services.TryAddSingleton<PostgresDatabases>();
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new PostgresGrainStorage(sp.GetRequiredService<PostgresDatabases>().Get(options.ConnectionString)));
        return builder;
    }

    /// <summary>Adds a PostgreSQL grain storage provider as the default.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the connection string.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder builder, Action<PostgresGrainStorageOptions> configure) =>
        builder.AddPostgresGrainStorage(GrainStorageNames.Default, configure);

    private static void AddClustering(IServiceCollection services, Action<PostgresClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresClusteringOptions>().BindConfiguration("MicroSeg:Clustering").Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresClusteringOptions>, ClusterOptionsValidator>());
        services.TryAddSingleton<PostgresDatabases>();
    }
}
