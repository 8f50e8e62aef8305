using MicroSeg.Grains.Flows;

namespace MicroSeg.Silo.Flows;

/// <summary>Registers the flow history of a silo's mode and its retention pass.</summary>
internal static class FlowHistoryHosting
{
    /// <summary>File name of the embedded silo's flow history, beside microseg.db.</summary>
    public const string SqliteFile = "flows.db";

    public static void AddSqliteFlowHistory(this ISiloBuilder silo, string directory) =>
        Add(silo, _ => new SqliteFlowHistory(Path.Combine(directory, SqliteFile)));

    public static void AddPostgresFlowHistory(this ISiloBuilder silo, string connectionString) =>
        Add(silo, _ => new PostgresFlowHistory(connectionString));

    private static void Add(ISiloBuilder silo, Func<IServiceProvider, IFlowHistory> create)
    {
        silo.Services.AddOptions<FlowHistoryOptions>();
        silo.Services.AddSingleton(create);
        silo.Services.AddHostedService<FlowHistoryRetention>();
    }
}
