using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Nodes;
using Orleans;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// <c>microseg-silo certs revoke</c> against a running silo: the revoked agent certificate's open gateway connection is
/// closed, a call carrying its credential over another (valid) connection is refused, and a new TLS connection with it
/// is refused at the handshake; another agent is unaffected. Real silo process; needs 'make build'.
/// </summary>
public sealed class CertificateRevocationTests : LoneSiloGrainClientTests
{
    [Fact]
    public async Task RevokedAgentCertificate_IsRefused_OnItsOpenConnection_PerCall_AndAtTheHandshake()
    {
        var (revoked, kept) = ($"rv-a-{Guid.NewGuid():N}"[..12], $"rv-b-{Guid.NewGuid():N}"[..12]);
        var revokedDirectory = ClusterCertificates.Issue(Lone.TlsDirectory, "agent", revoked);
        using var revokedCertificate = GrainClients.Load(revokedDirectory);
        using var keptCertificate = GrainClients.Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", kept));

        // The revoked agent's own connection, and a connection with a valid certificate whose calls carry the revoked
        // agent's credential: the second isolates the per-call check from the closing of connections.
        var own = await Clients.ConnectAsync(revokedCertificate);
        var borrowed = await Clients.ConnectAsync(keptCertificate, () => CallerCredential.Create(revokedCertificate, DateTimeOffset.UtcNow));
        var other = await Clients.ConnectAsync(keptCertificate);
        Assert.Equal(revoked, (await own.GetGrain<INodeGrain>(revoked).GetRulesAsync()).Node);
        Assert.Equal(revoked, (await borrowed.GetGrain<INodeGrain>(revoked).GetRulesAsync()).Node);
        Assert.True(await TlsProbe.HandshakeAsync(Lone.GatewayPort, revokedCertificate), "the gateway refused the agent certificate before it was revoked");

        await RunCertsAsync("revoke", "--ca-dir", Lone.TlsDirectory, "--cert", Path.Combine(revokedDirectory, "agent.crt"));
        var list = await File.ReadAllTextAsync(Path.Combine(Lone.TlsDirectory, "revoked.list"));
        Assert.Contains(revokedCertificate.SerialNumber.TrimStart('0'), list, StringComparison.OrdinalIgnoreCase);

        // Per call: the credential is refused even over a connection that stays open.
        await WaitUntilAsync(async () => await RefusedAsync(borrowed, revoked) is UnauthorizedAccessException, "a call carrying the revoked credential was still accepted");
        // The revoked certificate's own connection is closed by the silo, and every call on it fails.
        await WaitUntilAsync(() => Task.FromResult(Lone.Process.Output.Contains($"({ClusterCertificate.Agent}/{revoked}): its certificate", StringComparison.Ordinal)),
            "the silo did not close the revoked certificate's open gateway connection");
        Assert.NotNull(await RefusedAsync(own, revoked));
        // A new connection with it is refused at the handshake.
        Assert.False(await TlsProbe.HandshakeAsync(Lone.GatewayPort, revokedCertificate), "the gateway accepted a new TLS connection with a revoked certificate");

        // Another agent is unaffected, on its connection and on a new one.
        Assert.Equal(kept, (await other.GetGrain<INodeGrain>(kept).GetRulesAsync()).Node);
        Assert.True(await TlsProbe.HandshakeAsync(Lone.GatewayPort, keptCertificate), "revoking one agent refused another");
        Assert.False(Lone.Process.HasExited, Lone.Process.Tail());
    }

    [Fact]
    public async Task RevocationList_ThatIsTamperedWith_IsNotUsed_AndUnRevokesNothing()
    {
        var name = $"rv-t-{Guid.NewGuid():N}"[..12];
        var directory = ClusterCertificates.Issue(Lone.TlsDirectory, "agent", name);
        using var certificate = GrainClients.Load(directory);
        await RunCertsAsync("revoke", "--ca-dir", Lone.TlsDirectory, "--serial", certificate.SerialNumber);
        await WaitUntilAsync(async () => !await TlsProbe.HandshakeAsync(Lone.GatewayPort, certificate), "the revoked certificate was still accepted");

        // Someone without the CA key removes the entry: the signature no longer matches, the silo says so and keeps refusing.
        var path = Path.Combine(Lone.TlsDirectory, "revoked.list");
        var lines = (await File.ReadAllLinesAsync(path)).Where(l => !l.StartsWith("revoked ", StringComparison.Ordinal));
        await File.WriteAllLinesAsync(path, lines);
        await WaitUntilAsync(() => Task.FromResult(Lone.Process.Output.Contains("cannot be used (the signature does not match", StringComparison.Ordinal)),
            "the silo did not report the tampered revocation list");
        Assert.False(await TlsProbe.HandshakeAsync(Lone.GatewayPort, certificate), "a tampered list un-revoked a certificate");
    }

    /// <summary>The exception a node-rules call of <paramref name="node"/> fails with, or null when it succeeds.</summary>
    private static async Task<Exception?> RefusedAsync(IGrainFactory grains, string node)
    {
        try
        {
            await grains.GetGrain<INodeGrain>(node).GetRulesAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static async Task RunCertsAsync(params string[] args)
    {
        using var command = ChildProcess.Start("certs", RepoPaths.Silo, ["certs", .. args]);
        Assert.True(await command.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"microseg-silo certs {string.Join(' ', args)} did not exit");
        Assert.True(command.ExitCode == 0, $"microseg-silo certs {string.Join(' ', args)} failed ({command.ExitCode})\n{command.Tail()}");
    }

    /// <summary>Waits for <paramref name="condition"/> (the silo re-reads the list every 5 s) with a deadline.</summary>
    private async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure}\n{Lone.Process.Tail()}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
