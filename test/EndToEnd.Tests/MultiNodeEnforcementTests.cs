using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// Two agents on one machine, each a node owning some pods: a Kubernetes NetworkPolicy YAML applied
/// through the API (namespace selectors, ipBlock with except, named ports), a native egress policy,
/// a deny that beats an allow, a relabel that flips traffic, and deletions that restore it.
/// </summary>
public sealed class MultiNodeEnforcementTests(ITestOutputHelper output)
{
    private static readonly int[] Ports = [80, 81, 5432];

    private const string NetworkPolicies = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-from-api, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: api}}
            ports:
            - {protocol: TCP, port: 5432}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-from-tools-and-office, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {team: tools}}
            - ipBlock: {cidr: 198.18.0.96/30, except: [198.18.0.98/31]}
            ports:
            - port: http
        """;

    [Fact]
    public async Task TwoNodes_KubernetesAndNativePolicies_BehaveAsKubernetes_AndFollowRelabels()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var web = system.AddPod("web", "198.18.0.11/24", Ports);
        var db = system.AddPod("db", "198.18.0.12/24", Ports);
        var api = system.AddPod("api", "198.18.0.13/24", Ports);
        var tool = system.AddPod("tool", "198.18.0.14/24", Ports);
        var office = system.AddPod("office", "198.18.0.97/24", Ports);   // not a workload: an outside address inside the ipBlock
        var guest = system.AddPod("guest", "198.18.0.99/24", Ports);     // inside the ipBlock's except
        var n1 = system.NodeName("n1");
        var n2 = system.NodeName("n2");
        system.StartAgent(n1);
        system.StartAgent(n2);
        var rest = system.Api;

        await rest.SendOkAsync(HttpMethod.Put, "/api/v1/namespaces/shop", new { labels = new Dictionary<string, string> { ["team"] = "shop" } });
        await rest.SendOkAsync(HttpMethod.Put, "/api/v1/namespaces/tools", new { labels = new Dictionary<string, string> { ["team"] = "tools" } });
        await Register(rest, "web", n1, web, "shop", "web", new() { ["http"] = "TCP/80" });
        await Register(rest, "db", n1, db, "shop", "db");
        await Register(rest, "api", n2, api, "shop", "api");
        await Register(rest, "tool", n2, tool, "tools", "tool");
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "no policy", [new(api, db, 5432, true), new(tool, web, 81, true), new(guest, web, 80, true)], system.Logs);

        await rest.SendOkAsync(HttpMethod.Post, "/api/v1/networkpolicies", new StringContent(NetworkPolicies, System.Text.Encoding.UTF8, "application/yaml"));
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "NetworkPolicies applied",
        [
            new(api, db, 5432, true),       // podSelector peer in the same namespace, on its port (across nodes)
            new(web, db, 5432, false),      // same namespace, not app=api
            new(api, db, 80, false),        // right peer, wrong port
            new(tool, db, 5432, false),     // podSelector peers stay in the policy's namespace
            new(tool, web, 80, true),       // namespaceSelector team=tools, named port http = 80
            new(tool, web, 81, false),      // only the named port
            new(api, web, 80, false),       // shop is not team=tools
            new(office, web, 80, true),     // ipBlock
            new(guest, web, 80, false),     // ipBlock except
            new(db, api, 80, true),         // api is not selected by any policy
        ], system.Logs);

        // Native egress policy: tool may only talk to web on 80.
        await rest.SendOkAsync(HttpMethod.Post, "/api/v1/policies", new
        {
            id = "tool-egress",
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "tool" } },
            egress = new[] { new { to = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "web" } } } }, ports = new[] { new { protocol = "TCP", port = 80 } } } },
        });
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "egress policy", [new(tool, web, 80, true), new(tool, api, 80, false), new(api, tool, 80, true)], system.Logs);

        // A deny beats the NetworkPolicy's allow.
        await rest.SendOkAsync(HttpMethod.Post, "/api/v1/policies", new
        {
            id = "no-tools-to-web",
            action = "deny",
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            ingress = new[] { new { from = new[] { new { namespaceSelector = new { matchLabels = new Dictionary<string, string> { ["team"] = "tools" } } } } } },
        });
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "deny over allow", [new(tool, web, 80, false), new(office, web, 80, true)], system.Logs);
        await rest.SendOkAsync(HttpMethod.Delete, "/api/v1/policies/no-tools-to-web");
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "deny removed", [new(tool, web, 80, true)], system.Logs);

        // Relabelling flips traffic, no restart.
        await Register(rest, "api", n2, api, "shop", "cache");
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "api relabelled to cache", [new(api, db, 5432, false)], system.Logs);
        await Register(rest, "api", n2, api, "shop", "api");
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "relabelled back", [new(api, db, 5432, true)], system.Logs);

        // Deleting the policies restores traffic.
        await rest.SendOkAsync(HttpMethod.Delete, "/api/v1/networkpolicies/shop/db-from-api");
        await rest.SendOkAsync(HttpMethod.Delete, "/api/v1/networkpolicies/shop/web-from-tools-and-office");
        await rest.SendOkAsync(HttpMethod.Delete, "/api/v1/policies/tool-egress");
        await system.ConvergeAsync();
        await Connectivity.ExpectAsync(output, "all deleted",
            [new(web, db, 5432, true), new(tool, db, 5432, true), new(api, web, 81, true), new(guest, web, 80, true), new(tool, api, 80, true)], system.Logs);
    }

    private static Task Register(SiloApi rest, string id, string node, TestPod pod, string ns, string app, Dictionary<string, string>? ports = null) =>
        rest.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", new
        {
            node,
            @interface = pod.HostInterface,
            addresses = new[] { pod.Address.ToString() },
            @namespace = ns,
            labels = new Dictionary<string, string> { ["app"] = app },
            ports = ports ?? [],
        });
}
