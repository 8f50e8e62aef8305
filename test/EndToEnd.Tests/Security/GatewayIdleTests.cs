using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// A gateway connection authenticated with a valid agent certificate that then sends nothing is closed after
/// <c>--gateway-idle-timeout</c>, while an Orleans client that keeps calling keeps its connection. Real silo process;
/// needs 'make build'.
/// </summary>
public sealed class GatewayIdleTests : IAsyncLifetime
{
    /// <summary>Short, so the test waits seconds, not the default 5 minutes.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);

    private LoneSilo _lone = null!;
    private GrainClients _clients = null!;

    public async Task InitializeAsync()
    {
        _lone = await LoneSilo.StartAsync(false, "--gateway-idle-timeout", IdleTimeout.ToString("c"));
        _clients = new GrainClients(_lone.GatewayPort);
    }

    [Fact]
    public async Task AuthenticatedGatewayConnection_ThatSendsNothing_IsClosed_WhileABusyClientKeepsItsConnection()
    {
        var node = $"idle-{Guid.NewGuid():N}"[..12];
        using var certificate = GrainClients.Load(ClusterCertificates.Issue(_lone.TlsDirectory, "agent", node));
        var busy = await _clients.ConnectAsync(certificate);
        // The node grain's activation (storage read, first computation) happens before the idle clock starts: on a
        // loaded machine it can take longer than the idle timeout, and the loop below must count steady calls.
        Assert.Equal(node, (await busy.GetGrain<INodeGrain>(node).GetRulesAsync()).Node);

        // A valid certificate, a finished handshake, then silence.
        await using var idle = await TlsProbe.OpenAsync(_lone.GatewayPort, certificate);
        Assert.NotNull(idle);
        var closing = TlsProbe.ReadsToCloseAsync(idle, TimeSpan.FromSeconds(60), rawTcp: false);

        // Meanwhile the busy client calls every 200 ms; its connection is never idle for 3 s, so every call succeeds.
        var calls = 0;
        while (!closing.IsCompleted)
        {
            Assert.Equal(node, (await busy.GetGrain<INodeGrain>(node).GetRulesAsync()).Node);
            calls++;
            await Task.WhenAny(closing, Task.Delay(TimeSpan.FromMilliseconds(200)));
        }

        Assert.True(await closing, $"the idle authenticated connection was kept open\n{_lone.Process.Tail()}");
        // Exactly one connection was closed for idleness: the probe, not the busy client's. The silo's log line
        // reaches this process through a pipe, possibly after the connection's close: wait for it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (IdleCloses() == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        Assert.True(IdleCloses() == 1, $"expected one idle close in the silo's log\n{_lone.Process.Tail()}");
        Assert.True(calls >= 3, $"the busy client made only {calls} calls while the idle connection was open");
        Assert.False(_lone.Process.HasExited, _lone.Process.Tail());
    }

    private int IdleCloses() => _lone.Process.Output.Split('\n').Count(line => line.Contains("nothing received for", StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _lone.DisposeAsync();
    }
}
