using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Enforcement never fails open when the agent exits: after SIGTERM (systemctl stop, Ctrl-C) and after
/// kill -9 the programs, pinned maps and connection state stay, a denied flow stays denied the whole
/// time (probed continuously), an established allowed connection keeps working, and a restarted agent
/// takes over without a gap. Only 'microseg-agent uninstall' removes enforcement.
/// </summary>
public sealed class AgentRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Agent_SigtermAndKill_DeniedFlowStaysDeniedAndEstablishedSurvives_UninstallRemovesEnforcement()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var pods = new Dictionary<string, TestPod>
        {
            ["a"] = system.AddPod("a", "198.18.0.1/24", 80),
            ["b"] = system.AddPod("b", "198.18.0.2/24", 80),
            ["c"] = system.AddPod("c", "198.18.0.3/24", 80),
        };
        var node = system.NodeName("n1");
        system.StartAgent(node);
        foreach (var (name, pod) in pods)
            await system.RegisterAsync(node, name, pod);
        await system.Api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", TestPolicies.BAcceptsAOn80);
        await system.ConvergeAsync();
        using var established = await pods["a"].OpenTcpAsync(pods["b"].Address, 80, TimeSpan.FromSeconds(5));
        Assert.True(await established.EchoAsync(TimeSpan.FromSeconds(5)));

        using var probing = new CancellationTokenSource();
        // On the thread pool, not xunit's context: the probes must keep running while the test waits on processes.
        var probe = Task.Run(() => ProbeAsync(pods["c"], pods["b"], established, probing.Token));

        // SIGTERM: a clean stop leaves everything in place.
        await system.Agent(node).StopAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, system.Agent(node).ExitCode);
        await AssertStillEnforcingAsync(system, node, pods, established);
        system.StartAgent(node);
        await system.ConvergeAsync();

        // kill -9: nothing runs at exit, and nothing needs to.
        await system.Agent(node).KillAsync();
        await AssertStillEnforcingAsync(system, node, pods, established);
        system.StartAgent(node);
        await system.ConvergeAsync();

        probing.Cancel();
        var (attempts, leaks, echoFailures) = await probe;
        output.WriteLine($"probed {attempts} times across two agent exits: {leaks} denied connects got through, {echoFailures} echoes failed");
        Assert.True(attempts >= 5, $"only {attempts} probes ran");
        Assert.Equal(0, leaks);
        Assert.Equal(0, echoFailures);
        await Connectivity.ExpectAsync(output, "after the restarts",
            [new Flow(pods["a"], pods["b"], 80, true), new Flow(pods["c"], pods["b"], 80, false), new Flow(pods["b"], pods["c"], 80, true)], system.Logs);

        // Uninstall (after stopping the agent) is what removes enforcement: filters, pins, and the policy's effect.
        await system.Agent(node).StopAsync(TimeSpan.FromSeconds(20));
        var uninstall = ChildProcess.Start("uninstall", RepoPaths.Agent, "uninstall", "--pin-root", system.PinRoot, "--node", node);
        Assert.True(await uninstall.WaitForExitAsync(TimeSpan.FromSeconds(30)), uninstall.Tail());
        output.WriteLine(uninstall.Tail(10));
        Assert.True(uninstall.ExitCode == 0, uninstall.Tail());
        Assert.Contains(pods["b"].HostInterface, uninstall.Output);
        foreach (var pod in pods.Values)
            Assert.False(TcFilters.HasAnyOfOurs(pod.HostInterface), $"uninstall left a MicroSeg filter on {pod.HostInterface}");
        Assert.False(Directory.Exists(Path.Combine(system.PinRoot, node)), "uninstall left the pinned maps");
        Assert.True(await pods["c"].CanConnectTcpAsync(pods["b"].Address, 80, Connectivity.Timeout), "after uninstall nothing is enforced");
    }

    /// <summary>With no agent running: programs and pins in place, the denied flow refused, the established connection alive.</summary>
    private async Task AssertStillEnforcingAsync(MicroSegSystem system, string node, Dictionary<string, TestPod> pods, TcpSession established)
    {
        foreach (var pod in pods.Values)
            Assert.True(TcFilters.HasOurPrograms(pod.HostInterface), $"{pod.HostInterface} lost its programs when the agent exited");
        Assert.True(File.Exists(Path.Combine(system.PinRoot, node, "ms_conntrack4")), "the pinned maps went away with the agent");
        await Connectivity.ExpectAsync(output, "no agent running", [new Flow(pods["c"], pods["b"], 80, false), new Flow(pods["a"], pods["b"], 80, true)], system.Logs);
        Assert.True(await established.EchoAsync(TimeSpan.FromSeconds(2)), "the established a->b connection broke while no agent ran");
    }

    /// <summary>Until cancelled: a new connection from <paramref name="denied"/> to <paramref name="target"/> (must fail) and an echo on the established one (must work).</summary>
    private static async Task<(int Attempts, int Leaks, int EchoFailures)> ProbeAsync(TestPod denied, TestPod target, TcpSession established, CancellationToken stop)
    {
        int attempts = 0, leaks = 0, echoFailures = 0;
        while (!stop.IsCancellationRequested)
        {
            attempts++;
            if (await denied.CanConnectTcpAsync(target.Address, 80, TimeSpan.FromMilliseconds(300)))
                leaks++;
            if (!await established.EchoAsync(TimeSpan.FromSeconds(2)))
                echoFailures++;
        }
        return (attempts, leaks, echoFailures);
    }
}
