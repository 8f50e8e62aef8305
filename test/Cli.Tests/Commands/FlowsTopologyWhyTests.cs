using System.Text.Json.Nodes;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace MicroSeg.Cli.Tests.Commands;

/// <summary>microsegctl why, flows and topology against a real silo, after a multi-document apply.</summary>
[Collection(SiloCollection.Name)]
public sealed class FlowsTopologyWhyTests(SiloFixture silo) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microsegctl-why-").FullName;

    private const string Manifest = """
        kind: Workload
        id: why-web
        namespace: why-shop
        node: why-node
        interface: veth-whyweb
        addresses: [198.18.44.1]
        labels: {app: web}
        ---
        kind: Workload
        id: why-db
        namespace: why-shop
        node: why-node
        interface: veth-whydb
        addresses: [198.18.44.2]
        labels: {app: db}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-from-web, namespace: why-shop}
        spec:
          podSelector:
            matchLabels: {app: db}
          policyTypes: [Ingress]
          ingress:
          - from:
            - podSelector:
                matchLabels: {app: web}
            ports:
            - {protocol: TCP, port: 5432}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-default-deny, namespace: why-shop}
        spec:
          podSelector:
            matchLabels: {app: web}
          policyTypes: [Ingress]
        """;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task ApplyAsync()
    {
        var file = Path.Combine(_dir, "shop.yaml");
        await File.WriteAllTextAsync(file, Manifest);
        var apply = await CliRun.AgainstAsync(silo, "apply", "-f", file);
        Assert.True(apply.ExitCode == 0, apply.Error);
    }

    [Fact]
    public async Task Why_AllowedPort_NamesTheNetworkPolicy()
    {
        await ApplyAsync();

        var run = await CliRun.AgainstAsync(silo, "why", "why-web", "why-db", "5432/tcp");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("why-web -> why-db TCP/5432: allowed", run.Out);
        Assert.Contains("db-from-web", run.Out);
        Assert.Contains("policy-allow", run.Out);
    }

    [Fact]
    public async Task Why_OtherPortAndReverseDirection_AreDefaultDeny()
    {
        await ApplyAsync();

        var otherPort = JsonNode.Parse((await CliRun.AgainstAsync(silo, "why", "why-web", "why-db", "80/tcp", "-o", "json")).Out)!;
        Assert.Equal("denied", (string?)otherPort["verdict"]);
        Assert.Equal("default-deny", (string?)otherPort["ingress"]!["reason"]);

        var reverse = await CliRun.AgainstAsync(silo, "why", "198.18.44.2", "198.18.44.1", "5432");
        Assert.Equal(0, reverse.ExitCode);
        Assert.Contains("denied by why-web's ingress rules: default-deny", reverse.Out);
    }

    [Fact]
    public async Task Why_BadProtocol_ExitsNonZeroNamingTheField()
    {
        var run = await CliRun.AgainstAsync(silo, "why", "why-web", "why-db", "80/gre");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("protocol", run.Error);
    }

    [Fact]
    public async Task FlowsAndTopology_ShowReportedFlows_AsTableAndJson()
    {
        await ApplyAsync();
        var now = DateTimeOffset.UtcNow;
        await ReportAsync(1, new FlowSample("why-db", TrafficDirection.Ingress, "198.18.44.1", "198.18.44.2", 5432, 6, FlowVerdict.Allow, 0, "rule", 0,
            now.AddSeconds(-2), now, 4, 12, 0));

        var table = await WaitForAsync(async () => await CliRun.AgainstAsync(silo, "flows", "--dst", "why-db"), r => r.Out.Contains("why-web (198.18.44.1)"));
        Assert.Contains("why-db (198.18.44.2)", table.Out);
        Assert.Contains("5432", table.Out);

        var json = JsonNode.Parse((await CliRun.AgainstAsync(silo, "flows", "--dst", "why-db", "-o", "json")).Out)!.AsArray();
        Assert.Contains(json, f => (string?)f!["src"]!["workload"] == "why-web" && (long)f["connections"]! >= 4);

        var topology = await WaitForAsync(async () => await CliRun.AgainstAsync(silo, "topology"), r => r.Out.Contains("why-web") && r.Out.Contains("TCP/5432"));
        Assert.Equal(0, topology.ExitCode);
        var graph = JsonNode.Parse((await CliRun.AgainstAsync(silo, "topology", "-o", "json")).Out)!;
        Assert.Contains(graph["edges"]!.AsArray(), e => (string?)e!["src"] == "why-web" && (string?)e["dst"] == "why-db");
    }

    [Fact]
    public async Task FlowsFollow_PrintsFlowsReportedWhileItRuns_UntilCancelled()
    {
        await ApplyAsync();
        var output = new StringWriter();
        var errors = new StringWriter();
        var env = new CliEnvironment(TextWriter.Synchronized(output), TextWriter.Synchronized(errors), _ => null, "/nonexistent/microseg/config.json");
        using var stop = new CancellationTokenSource();
        var follow = CliApp.RunAsync(["--server", silo.Server, "--token", silo.Token, "flows", "--follow", "--src", "why-web", "-o", "json"], env, stop.Token);

        // Flows recorded after the stream opened arrive on it; report until one shows (the stream may open after the first).
        // Each report is another port: a repeat of the same flow would update its history row rather than add one.
        var sequence = 100L;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!output.ToString().Contains("\"why-web\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no flow arrived on flows --follow within 30 s: {errors}\n{(await CliRun.AgainstAsync(silo, "flows", "--src", "why-web")).Out}");
            Assert.False(follow.IsCompleted, $"flows --follow ended early: {output}");
            var now = DateTimeOffset.UtcNow;
            await ReportAsync(sequence, new FlowSample("why-db", TrafficDirection.Ingress, "198.18.44.1", "198.18.44.2", (ushort)(6000 + sequence++), 6, FlowVerdict.Allow, 0, "rule", 0,
                now.AddSeconds(-1), now, 1, 3, 0));
            await Task.Delay(200);
        }
        stop.Cancel();
        Assert.Equal(0, await follow);
        var first = JsonNode.Parse(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!;
        Assert.Equal("why-web", (string?)first["src"]!["workload"]);
    }

    private Task ReportAsync(long sequence, params FlowSample[] samples) =>
        silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IFlowIngestGrain>("why-node").ReportAsync(new FlowBatch("why-node", sequence, samples, 0));

    private static async Task<CliRun> WaitForAsync(Func<Task<CliRun>> run, Func<CliRun, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var result = await run();
            if (done(result))
                return result;
            Assert.True(DateTime.UtcNow < deadline, $"not shown within 30 s:\n{result.Out}\n{result.Error}");
            await Task.Delay(200);
        }
    }
}
