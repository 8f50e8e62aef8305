using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicroSeg.Grains.Interfaces.Nodes;
using Orleans;
using Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Api.Tests.Endpoints;

[Collection(ApiCollection.Name)]
public sealed class PolicyEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Post_InvalidCidr_Answers400NamingFieldAndAppliesNothing()
    {
        var policy = Policy("bad-cidr", "web", peerCidr: "198.18.9.0/33");
        var response = await Http.PostAsJsonAsync("/api/v1/policies", policy);
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "ingress[0].from[0].cidr");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/policies/bad-cidr")).StatusCode);
    }

    [Fact]
    public async Task Post_Policy_ShowsInNodeRulesWithItsSource()
    {
        await Http.PutAsJsonAsync("/api/v1/workloads/rules-db", WorkloadEndpointsTests.Workload("rules-db", node: "rules-node", address: "198.18.1.1", app: "rules-db"));
        await Http.PutAsJsonAsync("/api/v1/workloads/rules-api", WorkloadEndpointsTests.Workload("rules-api", node: "rules-node", address: "198.18.1.2", app: "rules-api"));
        var response = await Http.PostAsJsonAsync("/api/v1/policies", Policy("rules-db-in", "rules-db", peerApp: "rules-api"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var rules = await Http.GetFromJsonAsync<JsonObject>("/api/v1/nodes/rules-node/rules");
        var entry = Assert.Single(rules!["policy"]!.AsArray());
        Assert.Equal("rules-db-in/ingress/0", entry!["source"]!.GetValue<string>());
        Assert.Equal(5432, entry["port"]!.GetValue<int>());
        Assert.Equal("ingress", entry["direction"]!.GetValue<string>());
        var db = rules["endpoints"]!.AsArray().Single(e => e!["workloadId"]!.GetValue<string>() == "rules-db");
        Assert.True(db!["ingressIsolated"]!.GetValue<bool>());

        var status = await Http.GetFromJsonAsync<JsonObject>("/api/v1/nodes/rules-node");
        Assert.Equal(rules["revision"]!.GetValue<long>(), status!["revision"]!.GetValue<long>());
        Assert.False(status["agentConnected"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/api/v1/policies/rules-db-in")).StatusCode);
        rules = await Http.GetFromJsonAsync<JsonObject>("/api/v1/nodes/rules-node/rules");
        Assert.Empty(rules!["policy"]!.AsArray());
    }

    [Fact]
    public async Task PolicyChange_ReachesASubscribedAgentThroughTheChangeStream()
    {
        await Http.PutAsJsonAsync("/api/v1/workloads/stream-db", WorkloadEndpointsTests.Workload("stream-db", node: "stream-node", address: "198.18.1.11", app: "stream-db"));
        await Http.PutAsJsonAsync("/api/v1/workloads/stream-api", WorkloadEndpointsTests.Workload("stream-api", node: "stream-node", address: "198.18.1.12", app: "stream-api"));
        var grains = fixture.Services.GetRequiredService<IGrainFactory>();
        var agent = new RecordingAgent();
        var snapshot = (await grains.GetGrain<INodeGrain>("stream-node").SubscribeAsync(grains.CreateObjectReference<INodeRulesObserver>(agent)))!;

        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/policies", Policy("stream-db-in", "stream-db", peerApp: "stream-api"))).StatusCode);

        // Nothing reads the node here: only the fan-out stage, fed by the policy-change stream, makes the
        // node grain recompute and push (its own reconcile is 30 s away).
        var delta = await agent.Deltas.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(snapshot.Revision, delta.BaseRevision);
        Assert.Equal("stream-db-in/ingress/0", Assert.Single(delta.PolicySet).Source);

        // Heartbeat: an agent whose last acknowledgement is of the current revision gets no snapshot (and the
        // acknowledgement is recorded); one still on an older revision, or that failed, gets the snapshot.
        var node = grains.GetGrain<INodeGrain>("stream-node");
        var reference = grains.CreateObjectReference<INodeRulesObserver>(agent);
        Assert.Null(await node.SubscribeAsync(reference, new NodeAck(delta.Epoch, delta.Revision, [], [], null)));
        Assert.Equal(delta.Revision, (await node.GetStatusAsync()).AppliedRevision);
        Assert.Equal(delta.Revision, (await node.SubscribeAsync(reference, new NodeAck(snapshot.Epoch, snapshot.Revision, [], [], null)))!.Revision);
        Assert.NotNull(await node.SubscribeAsync(reference, new NodeAck(delta.Epoch, delta.Revision, [], [], "map full")));
    }

    private sealed class RecordingAgent : INodeRulesObserver
    {
        public TaskCompletionSource<NodeRulesDelta> Deltas { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnRulesAsync(NodeRules rules) => Task.CompletedTask;

        public Task OnDeltaAsync(NodeRulesDelta delta)
        {
            Deltas.TrySetResult(delta);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Get_UnknownNode_Answers404()
    {
        await WorkloadEndpointsTests.AssertProblemAsync(await Http.GetAsync("/api/v1/nodes/never-seen"), HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Healthz_And_OpenApi_Answer()
    {
        var health = await Http.GetFromJsonAsync<JsonObject>("/healthz");
        Assert.Equal("ok", health!["status"]!.GetValue<string>());
        var openapi = await Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        Assert.NotNull(openapi!["paths"]!["/api/v1/workloads"]);
        Assert.NotNull(openapi["paths"]!["/api/v1/policies/{id}"]);
    }

    private static object Policy(string id, string app, string? peerApp = null, string? peerCidr = null) => new
    {
        id,
        selector = new { matchLabels = new Dictionary<string, string> { ["app"] = app } },
        ingress = new[]
        {
            new
            {
                from = new object[] { peerCidr is null ? new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = peerApp ?? "x" } } } : new { cidr = peerCidr } },
                ports = new[] { new { protocol = "TCP", port = 5432 } },
            },
        },
    };
}
