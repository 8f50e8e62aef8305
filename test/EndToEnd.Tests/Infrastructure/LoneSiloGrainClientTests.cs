namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tests that reach a real silo process both through its API and as Orleans grain clients holding cluster certificates
/// (agents, operators, attackers with a valid certificate): one silo per test class, its clients stopped before it.
/// </summary>
public abstract class LoneSiloGrainClientTests : IAsyncLifetime
{
    private protected LoneSilo Lone { get; private set; } = null!;

    private protected GrainClients Clients { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Lone = await LoneSilo.StartAsync();
        Clients = new GrainClients(Lone.GatewayPort);
    }

    public async Task DisposeAsync()
    {
        await Clients.DisposeAsync();
        await Lone.DisposeAsync();
    }
}
