using MicroSeg.Testing.Sockets;
using System.Net;
using System.Text.Json.Nodes;

namespace MicroSeg.Cli.Tests.Commands;

/// <summary>microsegctl apply, get and delete against a real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class ApplyGetDeleteTests(SiloFixture silo) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microsegctl-").FullName;

    private const string Manifest = """
        kind: Namespace
        name: cli-shop
        labels: {team: shop}
        ---
        kind: Workload
        id: cli-web
        namespace: cli-shop
        node: node-a
        interface: veth-cliweb
        addresses: [198.18.40.1]
        labels: {app: cli-web}
        ---
        kind: Policy
        id: cli-web-in
        selector:
          matchLabels: {app: cli-web}
        ingress:
        - from:
          - selector:
              matchLabels: {app: cli-api}
          ports:
          - {protocol: TCP, port: 8443}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-from-api, namespace: cli-shop}
        spec:
          podSelector:
            matchLabels: {app: db}
          policyTypes: [Ingress]
          ingress:
          - from:
            - podSelector:
                matchLabels: {app: api}
            ports:
            - {protocol: TCP, port: 5432}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: cli-shop}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        """;

    [Fact]
    public async Task Apply_MultiDocument_CreatesEverything_ThenConfiguresOnSecondApply()
    {
        var file = Write("shop.yaml", Manifest);

        var first = await CliRun.AgainstAsync(silo, "apply", "-f", file);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(
            ["namespace/cli-shop created", "workload/cli-web created", "policy/cli-web-in created",
             "networkpolicy/cli-shop/db-from-api created", "networkpolicy/cli-shop/deny-all created"],
            Lines(first.Out));

        var second = await CliRun.AgainstAsync(silo, "apply", "-f", file);
        Assert.Equal(0, second.ExitCode);
        Assert.All(Lines(second.Out), line => Assert.EndsWith(" configured", line));

        var workload = JsonNode.Parse((await CliRun.AgainstAsync(silo, "get", "workload", "cli-web", "-o", "json")).Out)!;
        Assert.Equal("cli-shop", (string?)workload["namespace"]);
        Assert.Equal("198.18.40.1", (string?)workload["addresses"]![0]);
        Assert.Equal("cli-web", (string?)workload["labels"]!["app"]);

        var policy = JsonNode.Parse((await CliRun.AgainstAsync(silo, "get", "policies", "cli-web-in", "-o", "json")).Out)!;
        Assert.Equal(8443, (int)policy["ingress"]![0]!["ports"]![0]!["port"]!);

        using var http = silo.AdminClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/networkpolicies/cli-shop/db-from-api")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/networkpolicies/cli-shop/deny-all")).StatusCode);
    }

    [Fact]
    public async Task Get_List_DefaultsToATable_AndJsonParses()
    {
        var file = Write("one.json", """{"kind":"Workload","id":"cli-table","node":"node-t","addresses":["198.18.40.2"],"labels":{"app":"tbl"}}""");
        Assert.Equal(0, (await CliRun.AgainstAsync(silo, "apply", "-f", file)).ExitCode);

        var table = await CliRun.AgainstAsync(silo, "get", "workloads");
        Assert.Equal(0, table.ExitCode);
        var row = Lines(table.Out).Single(l => l.Contains("cli-table"));
        Assert.Contains("node-t", row);
        Assert.Contains("app=tbl", row);
        Assert.Contains(Lines(table.Out), l => l.Contains("ID") && l.Contains("NODE") && l.Contains("LABELS"));

        var json = await CliRun.AgainstAsync(silo, "get", "workloads", "-o", "json");
        var list = Assert.IsType<JsonArray>(JsonNode.Parse(json.Out));
        Assert.Contains(list, w => (string?)w!["id"] == "cli-table");

        var shortName = await CliRun.AgainstAsync(silo, "get", "wl", "cli-table", "-o", "json");
        Assert.Equal("node-t", (string?)JsonNode.Parse(shortName.Out)!["node"]);

        var yaml = await CliRun.AgainstAsync(silo, "get", "workload", "cli-table", "-o", "yaml");
        Assert.Contains("id: cli-table", Lines(yaml.Out));
        Assert.Contains("node: node-t", Lines(yaml.Out));
    }

    [Fact]
    public async Task Delete_RemovesTheWorkload_AndGetThenFailsWith404()
    {
        var file = Write("gone.yaml", "kind: Workload\nid: cli-gone\nnode: node-a\naddresses: [198.18.40.3]\n");
        Assert.Equal(0, (await CliRun.AgainstAsync(silo, "apply", "-f", file)).ExitCode);

        var delete = await CliRun.AgainstAsync(silo, "delete", "workload", "cli-gone");
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal("workload/cli-gone deleted", Lines(delete.Out).Single());

        var get = await CliRun.AgainstAsync(silo, "get", "workload", "cli-gone");
        Assert.Equal(1, get.ExitCode);
        Assert.Contains("404", get.Error);
        Assert.Contains("'cli-gone' does not exist", get.Error);

        var again = await CliRun.AgainstAsync(silo, "delete", "workload", "cli-gone");
        Assert.Equal(1, again.ExitCode);
    }

    [Fact]
    public async Task Apply_BadWorkloadField_NamesTheDocumentAndField_AndExitsNonZero()
    {
        var file = Write("typo.yaml", "kind: Namespace\nname: cli-typo\n---\nkind: Workload\nid: cli-typo\nnode: node-a\nlables: {app: x}\n");
        var run = await CliRun.AgainstAsync(silo, "apply", "-f", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("400", run.Error);
        Assert.Contains("documents[1].lables", run.Error);
    }

    [Fact]
    public async Task Apply_BadNetworkPolicy_NamesItsPlaceInTheFile_AndAppliesNoNetworkPolicy()
    {
        var file = Write("np.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: cli-good, namespace: cli-np}
            spec: {podSelector: {}}
            ---
            kind: Namespace
            name: cli-np
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: cli-typo, namespace: cli-np}
            spec:
              podSelector: {}
              ingres: []
            """);
        var run = await CliRun.AgainstAsync(silo, "apply", "-f", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("documents[2].spec.ingres", run.Error);

        using var http = silo.AdminClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/networkpolicies/cli-np/cli-good")).StatusCode);
    }

    [Fact]
    public async Task Apply_UnknownKind_ChangesNothing()
    {
        var file = Write("kind.yaml", "kind: Workload\nid: cli-before-bad\nnode: node-a\n---\nkind: Pod\nmetadata: {name: x}\n");
        var run = await CliRun.AgainstAsync(silo, "apply", "-f", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("documents[1].kind", run.Error);
        Assert.Equal(1, (await CliRun.AgainstAsync(silo, "get", "workload", "cli-before-bad")).ExitCode);
    }

    [Fact]
    public async Task UnreachableServer_ExitsNonZeroNamingIt()
    {
        var server = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var run = await CliRun.RunAsync(null, "/nonexistent/config.json", "get", "nodes", "--server", server);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot reach " + server, run.Error);
    }

    [Fact]
    public async Task WithoutAToken_TheSiloRefuses_AndTheCliSaysSo()
    {
        var run = await CliRun.RunAsync(null, "/nonexistent/config.json", "get", "nodes", "--server", silo.Server);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("401", run.Error);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
