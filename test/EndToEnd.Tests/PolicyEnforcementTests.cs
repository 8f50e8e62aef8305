using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// The first vertical slice, end to end: real silo and agent processes from out/bin, three pods in
/// their own network namespaces on a bridge, a label policy written through the REST API and
/// enforced by the eBPF programs on the pods' host-side veths.
/// </summary>
public sealed class PolicyEnforcementTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);
    private static readonly int[] Ports = [80, 81];

    private static readonly object BAcceptsAOn80 = new
    {
        id = "b-accepts-a-80",
        selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "b" } },
        ingress = new[]
        {
            new
            {
                from = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "a" } } } },
                ports = new[] { new { protocol = "TCP", port = 80 } },
            },
        },
    };

    [Fact]
    public async Task LabelPolicy_AppliedThroughApi_IsEnforcedOnVethTraffic_AndSurvivesSiloRestart()
    {
        using var network = TestNetwork.Create();
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = network.AddPod("a", "198.18.0.1/24"),
            ["b"] = network.AddPod("b", "198.18.0.2/24"),
            ["c"] = network.AddPod("c", "198.18.0.3/24"),
        };
        var listeners = pods.Values.SelectMany(p => Ports.Select(p.ListenTcp)).ToList();

        var node = $"e2e-{network.Bridge.ToLowerInvariant()}";
        var dataDir = Directory.CreateTempSubdirectory("microseg-e2e-").FullName;
        var pinRoot = $"/sys/fs/bpf/microseg-e2e-{Guid.NewGuid():N}"[..40];
        var httpPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var siloPort = FreePorts.Next();
        string[] siloArgs = ["--http", $"http://127.0.0.1:{httpPort}", "--gateway-port", $"{gatewayPort}", "--silo-port", $"{siloPort}", "--data", dataDir];

        var silo = ChildProcess.Start("silo", RepoPaths.Silo, siloArgs);
        ChildProcess? agent = null;
        using var api = new SiloApi(new Uri($"http://127.0.0.1:{httpPort}"));
        try
        {
            await api.WaitHealthyAsync(silo, TimeSpan.FromSeconds(60));
            agent = ChildProcess.Start("agent", RepoPaths.Agent, "--node", node, "--gateway", $"127.0.0.1:{gatewayPort}",
                "--pin-root", pinRoot, "--bpf-object", RepoPaths.BpfObject);

            foreach (var (name, pod) in pods)
            {
                await api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{name}", new
                {
                    node,
                    @interface = pod.HostInterface,
                    addresses = new[] { pod.Address.ToString() },
                    labels = new Dictionary<string, string> { ["app"] = name },
                });
            }
            await api.WaitConvergedAsync(node, Converge, silo, agent);

            // Before any policy every pair connects on both ports.
            await ExpectMatrixAsync(pods, (_, _, _) => true, silo, agent);
            var established = await pods["a"].OpenTcpAsync(pods["b"].Address, 80, TimeSpan.FromSeconds(5));

            // "app=b accepts TCP 80 from app=a" isolates b for ingress only.
            await api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", BAcceptsAOn80);
            await api.WaitConvergedAsync(node, Converge, silo, agent);
            await ExpectMatrixAsync(pods, PolicyAllows, silo, agent);
            Assert.True(await established.EchoAsync(TimeSpan.FromSeconds(5)), "the a->b:80 connection opened before the policy stopped working");

            // Deleting the policy opens everything again.
            await api.SendOkAsync(HttpMethod.Delete, "/api/v1/policies/b-accepts-a-80");
            await api.WaitConvergedAsync(node, Converge, silo, agent);
            await ExpectMatrixAsync(pods, (_, _, _) => true, silo, agent);

            // Re-apply, then restart the silo: the agent keeps enforcing, reconnects, and re-syncs from storage.
            await api.SendOkAsync(HttpMethod.Put, "/api/v1/policies/b-accepts-a-80", BAcceptsAOn80);
            var before = await api.WaitConvergedAsync(node, Converge, silo, agent);
            await silo.StopAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, silo.ExitCode);
            await ExpectMatrixAsync(pods, PolicyAllows, silo, agent);

            silo.Dispose();
            silo = ChildProcess.Start("silo (restarted)", RepoPaths.Silo, siloArgs);
            await api.WaitHealthyAsync(silo, TimeSpan.FromSeconds(60));
            var after = await api.WaitConvergedAsync(node, Converge, silo, agent);
            Assert.Equal(before["revision"]!.GetValue<long>(), after["revision"]!.GetValue<long>());
            Assert.NotNull(await api.SendOkAsync(HttpMethod.Get, "/api/v1/policies/b-accepts-a-80"));
            await ExpectMatrixAsync(pods, PolicyAllows, silo, agent);
            Assert.True(await established.EchoAsync(TimeSpan.FromSeconds(5)), "the long-lived a->b:80 connection broke across the silo restart");
            established.Dispose();
        }
        finally
        {
            if (agent is not null)
            {
                await agent.StopAsync(TimeSpan.FromSeconds(20));
                output.WriteLine(agent.Tail(60));
                agent.Dispose();
            }
            await silo.StopAsync(TimeSpan.FromSeconds(20));
            output.WriteLine(silo.Tail(60));
            silo.Dispose();
            listeners.ForEach(l => l.Dispose());
            TryDelete(pinRoot);
            TryDelete(dataDir);
        }
    }

    /// <summary>Under the policy only traffic toward b is restricted: a may reach it on 80, nothing else may.</summary>
    private static bool PolicyAllows(string from, string to, int port) => to != "b" || (from == "a" && port == 80);

    private async Task ExpectMatrixAsync(Dictionary<string, TestPod> pods, Func<string, string, int, bool> expected, params ChildProcess?[] logs)
    {
        var checks = (from f in pods.Keys
                      from t in pods.Keys
                      where f != t
                      from port in Ports
                      select (f, t, port)).ToList();
        var results = await Task.WhenAll(checks.Select(c =>
            pods[c.f].CanConnectTcpAsync(pods[c.t].Address, c.port, TimeSpan.FromSeconds(2))));
        var wrong = checks.Zip(results)
            .Where(x => x.Second != expected(x.First.f, x.First.t, x.First.port))
            .Select(x => $"{x.First.f}->{x.First.t}:{x.First.port} {(x.Second ? "connected" : "was refused")}, expected {(x.Second ? "refused" : "connected")}")
            .ToList();
        if (wrong.Count > 0)
        {
            foreach (var log in logs.OfType<ChildProcess>())
                output.WriteLine(log.Tail());
        }
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not hide the test's real outcome.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
