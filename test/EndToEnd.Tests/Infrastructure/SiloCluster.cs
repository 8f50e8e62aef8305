using MicroSeg.Testing.Sockets;
using MicroSeg.Testing;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Real microseg-silo processes in cluster mode on one PostgreSQL, each on its own free ports; stopped (SIGTERM,
/// then SIGKILL) on dispose, whatever the test's outcome.
/// </summary>
internal sealed class SiloCluster(PostgresFixture postgres, string namePrefix) : IAsyncDisposable
{
    private readonly List<(ChildProcess Process, SiloApi Api)> _silos = [];
    private readonly List<int> _gatewayPorts = [];
    private readonly string _tokenDir = Directory.CreateTempSubdirectory("microseg-cluster-").FullName;

    public IReadOnlyList<(ChildProcess Process, SiloApi Api)> Silos => _silos;

    /// <summary>Each silo's gateway (client) port, in start order.</summary>
    public IReadOnlyList<int> GatewayPorts => _gatewayPorts;

    /// <summary>The cluster CA's directory; every silo's and agent's certificate is issued from it.</summary>
    public string CaDirectory => Path.Combine(_tokenDir, "ca");

    /// <summary>Issues (once) the certificate of <paramref name="node"/>'s agent; the directory to give as --tls-dir.</summary>
    public string IssueAgentCertificate(string node) => ClusterCertificates.Issue(CaDirectory, "agent", node);

    /// <summary>Silo names, in start order: "{prefix}-1", "{prefix}-2", ...</summary>
    public string NameOf(int index) => $"{namePrefix}-{index + 1}";

    /// <summary>
    /// Starts <paramref name="count"/> silos and waits until each is healthy and sees all of them Active, so
    /// placement is settled before the test writes.
    /// </summary>
    public async Task StartAsync(int count)
    {
        // Every silo registers the same bootstrap admin token, as a cluster's provisioning would hand it out.
        var tokenFile = Path.Combine(_tokenDir, AdminTokenFile.Name);
        var token = AdminTokenFile.Write(tokenFile);
        for (var i = 0; i < count; i++)
        {
            var http = $"http://127.0.0.1:{LoopbackPorts.Free()}";
            var gateway = LoopbackPorts.Free();
            var tls = ClusterCertificates.Issue(CaDirectory, "silo", NameOf(i), "127.0.0.1");
            var process = ChildProcess.Start($"silo{i + 1}", RepoPaths.Silo, "--postgres", postgres.ConnectionString,
                "--silo-port", $"{LoopbackPorts.Free()}", "--gateway-port", $"{gateway}", "--http", http, "--name", NameOf(i), "--admin-token-file", tokenFile,
                "--tls-dir", tls);
            _gatewayPorts.Add(gateway);
            _silos.Add((process, new SiloApi(new Uri(http), token)));
        }

        await Task.WhenAll(_silos.Select(s => s.Api.WaitHealthyAsync(s.Process, TimeSpan.FromSeconds(60))));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var (process, api) in _silos)
        {
            while (true)
            {
                var cluster = await api.SendOkAsync(HttpMethod.Get, "/api/v1/cluster");
                var silos = cluster!["silos"]!.AsArray();
                if (silos.Count == count && silos.All(s => s!["status"]!.GetValue<string>() == "Active" && s["error"] is null))
                {
                    Assert.Equal(Enumerable.Range(0, count).Select(NameOf), silos.Select(s => s!["name"]!.GetValue<string>()).Order());
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"{process.Name} does not see {count} active silos: {cluster.ToJsonString()}\n{Tails()}");
                await Task.Delay(200);
            }
        }
    }

    /// <summary>The last lines of every silo's output, for assertion messages.</summary>
    public string Tails(int lines = 20) => string.Join('\n', _silos.Select(s => s.Process.Tail(lines)));

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, api) in _silos)
        {
            await process.StopAsync(TimeSpan.FromSeconds(10));
            process.Dispose();
            api.Dispose();
        }
        Directory.Delete(_tokenDir, recursive: true);
    }
}
