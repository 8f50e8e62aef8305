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

    public static async Task<LoneSilo> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("microseg-silo-").FullName;
        var http = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
        var token = AdminTokenFile.Write(Path.Combine(data, AdminTokenFile.Name));
        var (gatewayPort, siloPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        var process = ChildProcess.Start("silo", RepoPaths.Silo, "--http", http.ToString(), "--gateway-port", $"{gatewayPort}",
            "--silo-port", $"{siloPort}", "--data", data);
        var silo = new LoneSilo(data, http, process, new SiloApi(http, token), gatewayPort, siloPort);
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

    public async ValueTask DisposeAsync()
    {
        await Process.StopAsync(TimeSpan.FromSeconds(20));
        Process.Dispose();
        Api.Dispose();
        Directory.Delete(Data, recursive: true);
    }
}
