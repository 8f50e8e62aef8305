using MicroSeg.Silo.Hosting;
using MicroSeg.Testing.Sockets;

namespace MicroSeg.Cli.Tests.Connection;

/// <summary>
/// microsegctl against a real embedded silo serving <c>--http https://…</c> with the certificate it issued from its
/// own cluster CA: with <c>--ca-file</c> (or MICROSEG_CA_FILE, or the config file's caFile) naming that CA it connects;
/// without it (machine store) or with another CA it refuses the server and says how to fix it.
/// </summary>
public sealed class CaFileTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("microsegctl-https-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private Task<int> _silo = null!;
    private string _server = "";
    private string _token = "";

    private string CaFile => Path.Combine(_data, "tls", "ca.crt");

    public async Task InitializeAsync()
    {
        _server = $"https://127.0.0.1:{LoopbackPorts.Free()}";
        var options = new SiloCommandOptions
        {
            Http = _server, Data = _data, SiloPort = LoopbackPorts.Free(), GatewayPort = LoopbackPorts.Free(), Name = "cli-https", LocalNode = "cli-https",
        };
        _silo = Task.Run(() => SiloHost.RunAsync(options, _stop.Token));
        var tokenFile = Path.Combine(_data, "admin.token");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!File.Exists(tokenFile) || (await RunAsync(null, "--ca-file", CaFile, "nodes")).ExitCode != 0)
        {
            Assert.False(_silo.IsCompleted, $"the silo stopped with exit code {(_silo.IsCompleted ? _silo.Result : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "the https silo did not come up");
            await Task.Delay(200);
            if (File.Exists(tokenFile))
                _token = (await File.ReadAllTextAsync(tokenFile)).Trim();
        }
    }

    [Fact]
    public async Task CaFileFlag_TrustsTheClusterCa()
    {
        var run = await RunAsync(null, "--ca-file", CaFile, "-o", "json", "nodes");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("[", run.Out.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvironmentVariable_AndConfigFile_NameTheCa()
    {
        var fromEnvironment = await RunAsync(new Dictionary<string, string> { ["MICROSEG_CA_FILE"] = CaFile }, "nodes");
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.Error);

        var config = Path.Combine(_data, "config.json");
        await File.WriteAllTextAsync(config, $$"""{"caFile": "{{CaFile}}"}""");
        var fromFile = await CliRun.RunAsync(null, config, "--server", _server, "--token", _token, "nodes");
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);
    }

    [Fact]
    public async Task WithoutCaFile_OrWithAnotherCa_TheServerIsRefused()
    {
        var machineStore = await RunAsync(null, "nodes");
        Assert.Equal(1, machineStore.ExitCode);
        Assert.Contains("does not trust", machineStore.Error, StringComparison.Ordinal);
        Assert.Contains("--ca-file", machineStore.Error, StringComparison.Ordinal);

        var foreignDirectory = Path.Combine(_data, "foreign");
        var foreign = MicroSeg.Silo.Security.Certificates.ClusterAuthority.OpenOrCreate(foreignDirectory, TimeProvider.System);
        var other = await RunAsync(null, "--ca-file", Path.Combine(foreignDirectory, "ca.crt"), "nodes");
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("does not trust", other.Error, StringComparison.Ordinal);
        GC.KeepAlive(foreign);

        var missing = await RunAsync(null, "--ca-file", Path.Combine(_data, "nope.crt"), "nodes");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("ca-file:", missing.Error, StringComparison.Ordinal);
    }

    private Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        CliRun.RunAsync(environment, "/nonexistent/microseg/config.json", ["--server", _server, "--token", _token, .. args]);

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _silo;
        _stop.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
