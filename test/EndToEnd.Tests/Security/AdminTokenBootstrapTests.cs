using MicroSeg.Testing.Sockets;
using System.Net;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>The embedded silo's first start makes an admin token (as Jupyter and Grafana do). Real binary; needs 'make build'.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AdminTokenBootstrapTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("microseg-token-").FullName;

    [Fact]
    public async Task FirstStart_WritesTokenOwnerOnlyAndPrintsItOnce_RestartKeepsIt()
    {
        var port = LoopbackPorts.Free();
        var http = new Uri($"http://127.0.0.1:{port}");
        string[] args = ["--http", http.ToString(), "--gateway-port", $"{LoopbackPorts.Free()}", "--silo-port", $"{LoopbackPorts.Free()}", "--data", _data];
        var file = Path.Combine(_data, AdminTokenFile.Name);
        string token;
        using (var silo = ChildProcess.Start("silo", RepoPaths.Silo, args))
        {
            token = await AdminTokenFile.ReadAsync(file, TimeSpan.FromSeconds(60));
            using var api = new SiloApi(http, token);
            await api.WaitHealthyAsync(silo, TimeSpan.FromSeconds(60));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.StartsWith("mst_", token, StringComparison.Ordinal);
            using (var ok = await api.SendAsync(HttpMethod.Get, "/api/v1/workloads"))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using var anonymous = new HttpClient { BaseAddress = http };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/workloads")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/ClusterStats")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode);
            using (var dashboard = await api.SendAsync(HttpMethod.Get, "/dashboard/ClusterStats"))
                Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            // The console URL signs the browser in through the fragment, which never reaches a server.
            Assert.Contains($"{http.ToString().TrimEnd('/')}/#token={token}", silo.Output, StringComparison.Ordinal);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(silo.Output, $"created.*{token}"));
            await silo.StopAsync(TimeSpan.FromSeconds(20));
            output.WriteLine(silo.Tail());
        }

        using (var silo = ChildProcess.Start("silo (restarted)", RepoPaths.Silo, args))
        {
            using var api = new SiloApi(http, token);
            await api.WaitHealthyAsync(silo, TimeSpan.FromSeconds(60));
            using (var ok = await api.SendAsync(HttpMethod.Get, "/api/v1/workloads"))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.DoesNotContain(token, silo.Output, StringComparison.Ordinal);
            Assert.Equal(token, (await File.ReadAllTextAsync(file)).Trim());
            await silo.StopAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task LoopbackSilo_RefusesForeignHostHeader()
    {
        await using var silo = await LoneSilo.StartAsync();
        var port = silo.Http.Port;
        using var client = new HttpClient { BaseAddress = silo.Http };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", silo.Api.Token);
        // A page of attacker.example whose name was re-pointed at 127.0.0.1 (DNS rebinding) sends its own name as Host.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workloads") { Headers = { Host = $"attacker.example:{port}" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(rebound)).StatusCode);
        using var local = new HttpRequestMessage(HttpMethod.Get, "/api/v1/workloads") { Headers = { Host = $"localhost:{port}" } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(local)).StatusCode);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
