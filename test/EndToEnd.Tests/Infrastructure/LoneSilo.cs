using MicroSeg.Testing.Sockets;
namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One embedded silo process on free ports with its data in a temporary folder and a provisioned admin token
/// (no agents, no test network): for tests of the API surface. Stopped and removed on dispose.
/// </summary>
internal sealed class LoneSilo : IAsyncDisposable
{
    private LoneSilo(string data, Uri http, ChildProcess process, SiloApi api, int gatewayPort, int siloPort)
    {
        GatewayPort = gatewayPort;
        SiloPort = siloPort;
        Data = data;
        Http = http;
        Process = process;
        Api = api;
    }

    public string Data { get; }

    public Uri Http { get; }

    public ChildProcess Process { get; }

    /// <summary>The Orleans gateway (client) port.</summary>
    public int GatewayPort { get; }

    /// <summary>The Orleans silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The TLS directory the silo created on first start: its CA, its own and the local agent's certificate.</summary>
    public string TlsDirectory => Path.Combine(Data, "tls");

    /// <summary>The API with the admin token.</summary>
    public SiloApi Api { get; }

    /// <summary>
    /// Starts the silo; with <paramref name="https"/> its API is served over HTTPS with the certificate it issues itself, which
    /// the API client trusts through the silo's CA only. <paramref name="arguments"/> are added to its command line.
    /// </summary>
    public static async Task<LoneSilo> StartAsync(bool https = false, params string[] arguments)
    {
        var data = Directory.CreateTempSubdirectory("microseg-silo-").FullName;
        var http = new Uri($"{(https ? "https" : "http")}://127.0.0.1:{LoopbackPorts.Free()}");
        var token = AdminTokenFile.Write(Path.Combine(data, AdminTokenFile.Name));
        var (gatewayPort, siloPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        var process = ChildProcess.Start("silo", RepoPaths.Silo, ["--http", http.ToString(), "--gateway-port", $"{gatewayPort}",
            "--silo-port", $"{siloPort}", "--data", data, .. arguments]);
        var silo = new LoneSilo(data, http, process, new SiloApi(http, token, https ? TrustingSiloCa(data) : null), gatewayPort, siloPort);
        try
        {
            await silo.Api.WaitHealthyAsync(process, TimeSpan.FromSeconds(60));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>A handler that accepts only a server certificate chaining to the CA the silo wrote under <paramref name="data"/>.</summary>
    private static SocketsHttpHandler TrustingSiloCa(string data) => new()
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                var caFile = Path.Combine(data, "tls", "ca.crt");
                if (certificate is null || !File.Exists(caFile))
                    return false;
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(caFile));
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
            },
        },
    };

    public async ValueTask DisposeAsync()
    {
        await Process.StopAsync(TimeSpan.FromSeconds(20));
        Process.Dispose();
        Api.Dispose();
        Directory.Delete(Data, recursive: true);
    }
}
