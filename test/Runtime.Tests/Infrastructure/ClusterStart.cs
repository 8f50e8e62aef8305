using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.TestingHost;
using MicroSeg.Runtime.Tests.TestGrains;

namespace MicroSeg.Runtime.Tests.Infrastructure;

/// <summary>Starts a <see cref="TestCluster"/> of the test grains on the shared PostgreSQL server.</summary>
internal static class ClusterStart
{
    public static async Task<TestCluster> StartClusterAsync(this PostgresFixture postgres, int silos, bool client = true,
        Action<ISiloBuilder>? configure = null, Action<IClientBuilder>? configureClient = null)
    {
        var builder = new TestClusterBuilder(postgres.ConnectionString);
        builder.Options.InitialSilosCount = silos;
        builder.Options.CreateClient = client;
        builder.ConfigureSilo(s => s.AddGrains(typeof(StateGrain).Assembly));
        if (configure is not null)
            builder.ConfigureSilo(configure);
        if (configureClient is not null)
            builder.ConfigureClient(configureClient);
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }
}
