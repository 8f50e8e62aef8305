using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MicroSeg.EndToEnd.Tests.Infrastructure;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// The embedded silo's Orleans ports speak only TLS with a certificate of the cluster CA: plain text, no
/// certificate, a certificate of another CA, and an agent's certificate on the silo-to-silo port are all refused,
/// and a connection that never authenticates is closed. Real silo process; needs 'make build'.
/// </summary>
public sealed class TransportSecurityTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private LoneSilo _lone = null!;
    private readonly string _foreignCa = Directory.CreateTempSubdirectory("microseg-foreign-ca-").FullName;

    public async Task InitializeAsync() => _lone = await LoneSilo.StartAsync();

    [Fact]
    public async Task SiloAndGatewayPorts_RefusePlainTextAndUnauthenticatedTls()
    {
        var agentDir = ClusterCertificates.Issue(_lone.TlsDirectory, "agent", "tls-probe");
        using var agent = X509Certificate2.CreateFromPemFile(Path.Combine(agentDir, "agent.crt"), Path.Combine(agentDir, "agent.key"));
        var foreignDir = ClusterCertificates.Issue(_foreignCa, "agent", "tls-probe");
        using var foreign = X509Certificate2.CreateFromPemFile(Path.Combine(foreignDir, "agent.crt"), Path.Combine(foreignDir, "agent.key"));
        using var silo = X509Certificate2.CreateFromPemFile(Path.Combine(_lone.TlsDirectory, "silo.crt"), Path.Combine(_lone.TlsDirectory, "silo.key"));

        foreach (var (port, name) in new[] { (_lone.GatewayPort, "gateway"), (_lone.SiloPort, "silo") })
        {
            Assert.True(await ClosesPlainTextAsync(port), $"the {name} port answered plain text");
            Assert.False(await TlsProbe.HandshakeAsync(port, null), $"the {name} port accepted TLS without a client certificate");
            Assert.False(await TlsProbe.HandshakeAsync(port, foreign), $"the {name} port accepted a certificate of another CA");
        }
        // An agent may use the gateway, never pose as a silo; the silo's own certificate is accepted on both.
        Assert.True(await TlsProbe.HandshakeAsync(_lone.GatewayPort, agent), "the gateway refused the cluster's agent certificate");
        Assert.False(await TlsProbe.HandshakeAsync(_lone.SiloPort, agent), "the silo port accepted an agent certificate");
        Assert.True(await TlsProbe.HandshakeAsync(_lone.SiloPort, silo), "the silo port refused the cluster's silo certificate");
        Assert.False(_lone.Process.HasExited, _lone.Process.Tail());
    }

    [Fact]
    public async Task GatewayConnections_ThatNeverAuthenticate_AreClosed_AndHoldNoMemory()
    {
        var before = ResidentBytes();
        // What used to hold 1.2 GB: 20 connections announcing huge Orleans frames and sending megabytes of them.
        var flooders = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _lone.GatewayPort);
            var stream = tcp.GetStream();
            var frame = new byte[1 << 20];
            BitConverter.TryWriteBytes(frame, int.MaxValue);
            try
            {
                for (var i = 0; i < 8; i++)
                    await stream.WriteAsync(frame);
            }
            catch (IOException)
            {
                // Closed while still sending: refused, as it should be.
            }
            return await TlsProbe.ReadsToCloseAsync(stream, TimeSpan.FromSeconds(30));
        }).ToArray();
        // And one that sends nothing at all: closed when the TLS handshake does not complete in time.
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, _lone.GatewayPort);

        Assert.All(await Task.WhenAll(flooders), closed => Assert.True(closed, "a flooding gateway connection was kept open"));
        Assert.True(await TlsProbe.ReadsToCloseAsync(idle.GetStream(), TimeSpan.FromSeconds(60)), "an idle, unauthenticated gateway connection was kept open");
        var after = ResidentBytes();
        output.WriteLine($"silo resident memory: {before >> 20} MiB before the flood, {after >> 20} MiB after");
        Assert.True(after - before < 200L << 20, $"the silo grew from {before >> 20} MiB to {after >> 20} MiB");
        Assert.False(_lone.Process.HasExited, _lone.Process.Tail());
    }

    private long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_lone.Process.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [Fact]
    public async Task RestApi_OverHttps_UsesTheSiloCertificateOfTheClusterCa()
    {
        await using var secure = await LoneSilo.StartAsync(https: true);

        // The API client trusts only the silo's own CA; an answer means the chain and the name (127.0.0.1) checked out.
        var nodes = await secure.Api.SendOkAsync(HttpMethod.Get, "/api/v1/nodes");
        Assert.NotNull(nodes);
        // A client that trusts only the machine's store refuses the certificate: it is the cluster's, not a public one.
        using var stranger = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => stranger.GetAsync(new Uri(secure.Http, "/healthz")));
    }

    /// <summary>Sends what an Orleans client sends first (a length-prefixed preamble) in plain text: the port must close without an Orleans answer.</summary>
    private static async Task<bool> ClosesPlainTextAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        byte[] preamble = [64, 0, 0, 0, .. new byte[64]];
        await stream.WriteAsync(preamble);
        return await TlsProbe.ReadsToCloseAsync(stream, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await _lone.DisposeAsync();
        Directory.Delete(_foreignCa, recursive: true);
    }
}
