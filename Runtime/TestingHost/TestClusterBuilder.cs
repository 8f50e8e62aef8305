using MicroSeg.Runtime.Hosting;

namespace MicroSeg.Runtime.TestingHost;

/// <summary>
/// Builds a <see cref="TestCluster"/> (Orleans <c>TestClusterBuilder</c>): set <see cref="Options"/>, add silo
/// and client configuration (grain assemblies, storage, streams, services), then <see cref="Build"/> and
/// <see cref="TestCluster.DeployAsync"/>.
/// </summary>
/// <example>
/// <code>
/// var builder = new TestClusterBuilder(connectionString);
/// builder.Options.InitialSilosCount = 3;
/// builder.ConfigureSilo(silo => silo.AddGrains(typeof(MyGrain).Assembly));
/// await using var cluster = builder.Build();
/// await cluster.DeployAsync();
/// </code>
/// </example>
public sealed class TestClusterBuilder
{
    private readonly List<Action<ISiloBuilder>> _silo = [];
    private readonly List<Action<IClientBuilder>> _client = [];

    /// <summary>A builder for a cluster on the PostgreSQL database at <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">Npgsql connection string; the runtime creates its schema if missing.</param>
    public TestClusterBuilder(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Options.ConnectionString = connectionString;
    }

    /// <summary>The options the cluster is built with.</summary>
    public TestClusterOptions Options { get; } = new();

    /// <summary>Adds configuration applied to every silo, after the cluster's own (so it can override it).</summary>
    /// <param name="configure">Configures one silo; called once per silo started.</param>
    /// <returns>This builder.</returns>
    public TestClusterBuilder ConfigureSilo(Action<ISiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _silo.Add(configure);
        return this;
    }

    /// <summary>Adds configuration applied to the cluster client, after the cluster's own.</summary>
    /// <param name="configure">Configures the client.</param>
    /// <returns>This builder.</returns>
    public TestClusterBuilder ConfigureClient(Action<IClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _client.Add(configure);
        return this;
    }

    /// <summary>Creates the cluster; nothing runs until <see cref="TestCluster.DeployAsync"/>.</summary>
    /// <returns>The cluster, to be disposed by the caller.</returns>
    public TestCluster Build()
    {
        if (Options.InitialSilosCount < 0)
            throw new InvalidOperationException($"TestClusterOptions.InitialSilosCount must be 0 or more (was {Options.InitialSilosCount}).");
        if (string.IsNullOrWhiteSpace(Options.ClusterId))
            throw new InvalidOperationException("TestClusterOptions.ClusterId is empty; leave the default or set a name.");
        return new TestCluster(Options, [.. _silo], [.. _client]);
    }
}
