using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace MicroSeg.Api.Tests.Endpoints;

/// <summary>
/// GET /api/v1/flows and /topology over a real silo with SQLite flow history: batches go in through the node's
/// ingest grain, as an agent sends them, and come out named, filtered, paged and streamed.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FlowEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task GetFlows_BadParameters_ProblemNamesEachField()
    {
        using var response = await Http.GetAsync("/api/v1/flows?verdict=maybe&limit=0&since=yesterday&cursor=xyz&colour=red");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var fields = (await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!.AsArray().Select(e => (string?)e!["field"]).ToHashSet();
        Assert.Equal(new HashSet<string?> { "verdict", "limit", "since", "cursor", "colour" }, fields);
    }

    [Fact]
    public async Task GetTopology_UnknownLevel_ProblemNamesLevel()
    {
        using var response = await Http.GetAsync("/api/v1/topology?level=cluster");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![0]!;
        Assert.Equal("level", (string?)error["field"]);
    }

    [Fact]
    public async Task Report_AllowedDeniedAndExternal_FlowsNamePolicyAndReason_PageAndTopology()
    {
        var (node, a, b, c) = await SetUpAsync("fl1");
        var rule = await RuleIdAsync(node, $"{b}-accepts-{a}");
        var t = DateTimeOffset.UtcNow;
        await ReportAsync(node, 1,
            Sample(b, TrafficDirection.Ingress, "198.18.41.1", "198.18.41.2", FlowVerdict.Allow, rule, "policy-allow", t, 20),
            Sample(b, TrafficDirection.Ingress, "198.18.41.3", "198.18.41.2", FlowVerdict.Deny, 0, "default-deny", t, 5),
            // a's own report of its connections to b: b reports them too, so this one is not counted again.
            Sample(a, TrafficDirection.Egress, "198.18.41.1", "198.18.41.2", FlowVerdict.Allow, 0, "default-allow", t, 20),
            Sample(a, TrafficDirection.Egress, "198.18.41.1", "198.18.99.7", FlowVerdict.Allow, 0, "default-allow", t, 2));

        var toB = await GetItemsAsync($"/api/v1/flows?dst={b}");
        Assert.Equal(2, toB.Count);
        var allowed = toB.Single(f => (string?)f!["verdict"] == "allow")!;
        Assert.Equal(a, (string?)allowed["src"]!["workload"]);
        Assert.Equal($"{b}-accepts-{a}", (string?)allowed["policy"]);
        Assert.Equal("rule", (string?)allowed["reason"]);
        Assert.Equal(20, (long)allowed["connections"]!);
        Assert.Equal(80, (int)allowed["dst"]!["port"]!);
        var denied = toB.Single(f => (string?)f!["verdict"] == "deny")!;
        Assert.Equal(c, (string?)denied["src"]!["workload"]);
        Assert.Equal("default-deny", (string?)denied["reason"]);
        Assert.Equal($"{b}-accepts-{a}", (string?)denied["policy"]);

        var fromA = await GetItemsAsync($"/api/v1/flows?src={a}");
        var external = Assert.Single(fromA, f => (string?)f!["dst"]!["address"] == "198.18.99.7")!;
        Assert.Null(external["dst"]!["workload"]?.GetValue<string>());
        Assert.True(external["dst"]!.AsObject().ContainsKey("workload"), "workload is written as null, not left out");
        Assert.Equal("no-policy", (string?)external["reason"]);
        Assert.Null(external["policy"]?.GetValue<string>());
        Assert.Equal(2, fromA.Count);

        // Pages of one, newest first, until next is null.
        var seen = new List<string>();
        var path = $"/api/v1/flows?dst={b}&limit=1";
        for (var cursor = (string?)null; ; )
        {
            var page = (await Http.GetFromJsonAsync<JsonNode>(cursor is null ? path : $"{path}&cursor={cursor}"))!;
            seen.AddRange(page["items"]!.AsArray().Select(f => (string)f!["verdict"]!));
            cursor = (string?)page["next"];
            if (cursor is null)
                break;
        }
        Assert.Equal(["deny", "allow"], seen);
        Assert.Single(await GetItemsAsync($"/api/v1/flows?dst={b}&verdict=deny"));
        Assert.Equal(2, (await GetItemsAsync($"/api/v1/flows?policy={b}-accepts-{a}")).Count);
        Assert.Empty(await GetItemsAsync($"/api/v1/flows?dst={b}&until={Uri.EscapeDataString(t.AddMinutes(-1).ToString("O"))}"));

        var topology = (await Http.GetFromJsonAsync<JsonNode>("/api/v1/topology?level=app"))!;
        var edges = topology["edges"]!.AsArray();
        var aToB = edges.Single(e => (string?)e!["src"] == a && (string?)e["dst"] == b)!;
        Assert.Equal(20, (long)aToB["verdicts"]!["allow"]!);
        Assert.Equal(["TCP/80"], aToB["ports"]!.AsArray().Select(p => (string?)p));
        var cToB = edges.Single(e => (string?)e!["src"] == c && (string?)e["dst"] == b)!;
        Assert.Equal(5, (long)cToB["verdicts"]!["deny"]!);
        Assert.Contains(edges, e => (string?)e!["src"] == a && (string?)e["dst"] == "198.18.99.0/24");
        Assert.Contains(topology["nodes"]!.AsArray(), n => (string?)n!["id"] == "198.18.99.0/24" && (string?)n["level"] == "external");
        // The control plane's flow figures are on the silo's /metrics with Orleans' meters.
        var metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains("microseg_flows_records_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("microseg_flows_duplicates_total{", metrics, StringComparison.Ordinal);

        var byNamespace = (await Http.GetFromJsonAsync<JsonNode>("/api/v1/topology?level=namespace"))!;
        Assert.Contains(byNamespace["edges"]!.AsArray(), e => (string?)e!["src"] == "default" && (string?)e["dst"] == "default");
    }

    [Fact]
    public async Task GetFlows_Follow_StreamsNewFlowsAsServerSentEvents()
    {
        var (node, a, b, _) = await SetUpAsync("fl2");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/flows?follow=true&dst={b}");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        await ReportAsync(node, 1, Sample(b, TrafficDirection.Ingress, "198.18.42.1", "198.18.42.2", FlowVerdict.Deny, 0, "default-deny", DateTimeOffset.UtcNow, 3));

        string? line;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null && !line.StartsWith("data:", StringComparison.Ordinal))
        {
        }
        var flow = JsonNode.Parse(line![5..])!;
        Assert.Equal(a, (string?)flow["src"]!["workload"]);
        Assert.Equal("deny", (string?)flow["verdict"]);
        Assert.Equal(3, (long)flow["connections"]!);
    }

    /// <summary>Node and workloads a, b, c (addresses 198.18.N.1-3) of one test, and the policy "b-accepts-a".</summary>
    private async Task<(string Node, string A, string B, string C)> SetUpAsync(string prefix)
    {
        var subnet = prefix == "fl1" ? 41 : 42;
        var node = $"{prefix}-node";
        string Name(string x) => $"{prefix}-{x}";
        foreach (var (x, i) in new[] { ("a", 1), ("b", 2), ("c", 3) })
        {
            using var put = await Http.PutAsJsonAsync($"/api/v1/workloads/{Name(x)}", new
            {
                node, @interface = $"veth-{prefix}{x}", addresses = new[] { $"198.18.{subnet}.{i}" },
                labels = new Dictionary<string, string> { ["app"] = Name(x) },
            });
            put.EnsureSuccessStatusCode();
        }
        using var policy = await Http.PostAsJsonAsync("/api/v1/policies", new
        {
            id = $"{Name("b")}-accepts-{Name("a")}",
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = Name("b") } },
            ingress = new[] { new { from = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = Name("a") } } } }, ports = new[] { new { protocol = "TCP", port = 80 } } } },
        });
        policy.EnsureSuccessStatusCode();
        return (node, Name("a"), Name("b"), Name("c"));
    }

    private async Task<uint> RuleIdAsync(string node, string policy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var rules = await fixture.Services.GetRequiredService<IGrainFactory>().GetGrain<INodeGrain>(node).GetRulesAsync();
            if (rules.Policy.FirstOrDefault(p => p.Source.StartsWith(policy + "/", StringComparison.Ordinal)) is { } entry)
                return entry.RuleId;
            Assert.True(DateTime.UtcNow < deadline, $"node {node} has no rule of {policy}");
            await Task.Delay(100);
        }
    }

    private Task ReportAsync(string node, long sequence, params FlowSample[] samples) =>
        fixture.Services.GetRequiredService<IGrainFactory>().GetGrain<IFlowIngestGrain>(node).ReportAsync(new FlowBatch(node, sequence, samples, 0));

    private static FlowSample Sample(string workload, TrafficDirection direction, string src, string dst, FlowVerdict verdict, uint rule, string reason,
        DateTimeOffset at, long connections) =>
        new(workload, direction, src, dst, 80, 6, verdict, rule, reason, 0, at.AddSeconds(-2), at, connections, connections * 3, 0);

    private async Task<JsonArray> GetItemsAsync(string path) => (await Http.GetFromJsonAsync<JsonNode>(path))!["items"]!.AsArray();
}
