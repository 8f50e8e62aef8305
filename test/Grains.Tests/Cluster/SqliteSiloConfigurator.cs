using MicroSeg.Silo.Hosting;
using MicroSeg.Silo.Storage;
using Orleans.TestingHost;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>A test silo composed as the embedded silo is: grain state and reminders in one SQLite file, memory fan-out.</summary>
internal abstract class SqliteSiloConfigurator : ISiloConfigurator
{
    /// <summary>The SQLite file every silo of the test cluster shares.</summary>
    protected abstract string Database { get; }

    public void Configure(ISiloBuilder silo)
    {
        silo.AddSqliteGrainStorageAsDefault(o => o.DatabasePath = Database);
        silo.UseSqliteReminderService(o => o.DatabasePath = Database);
        SiloConfiguration.AddMemoryFanout(silo);
        SiloConfiguration.ConfigureShared(silo);
    }
}
