using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace MicroSeg.Api.Tests.Endpoints;

/// <summary>
/// /api/v1/recommendations, /simulate and /provisions over a real silo: flows go in through the node's ingest grain
/// (as an agent sends them); recommendations, simulations, provisions and reverts come out, with roles and errors.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RecommendationEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Recommend_Simulate_Provision_Revert_OverTheApi()
    {
        const string Ns = "rec-api";
        const string Node = "rec-api-node";
        foreach (var (x, i) in new[] { ("a", 1), ("b", 2), ("c", 3) })
        {
            using var put = await Http.PutAsJsonAsync($"/api/v1/workloads/rec-{x}", new
            {
                node = Node, @interface = $"veth-rec{x}", addresses = new[] { $"198.18.43.{i}" }, @namespace = Ns,
                labels = new Dictionary<string, string> { ["app"] = x },
            });
            put.EnsureSuccessStatusCode();
        }
        var t = DateTimeOffset.UtcNow;
        await fixture.Services.GetRequiredService<IGrainFactory>().GetGrain<IFlowIngestGrain>(Node).ReportAsync(new FlowBatch(Node, 1,
        [
            new("rec-b", TrafficDirection.Ingress, "198.18.43.1", "198.18.43.2", 80, 6, FlowVerdict.Allow, 0, "default-allow", 0, t.AddSeconds(-2), t, 4, 12, 0),
            new("rec-b", TrafficDirection.Ingress, "198.18.96.7", "198.18.43.2", 443, 6, FlowVerdict.Allow, 0, "default-allow", 0, t.AddSeconds(-2), t, 1, 3, 0),
        ], 0));

        using var viewer = await fixture.ClientAsync(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/recommendations", new { @namespace = Ns })).StatusCode);
        using var op = await fixture.ClientAsync(ApiRole.Operator);
        using var created = await op.PostAsJsonAsync("/api/v1/recommendations", new { @namespace = Ns, since = t.AddMinutes(-5) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var recommendation = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = (string)recommendation["id"]!;
        Assert.Equal($"/api/v1/recommendations/{id}", created.Headers.Location?.ToString());
        Assert.Equal("draft", (string?)recommendation["status"]);
        var policies = recommendation["policies"]!.AsArray();
        Assert.Equal(["rec.rec-api.a", "rec.rec-api.b", "rec.rec-api.c"], policies.Select(p => (string?)p!["id"]));
        var b = policies[1]!;
        Assert.True((bool)b["draft"]!);
        Assert.Equal("""[{"from":[{"selector":{"matchLabels":{"app":"a"}}}],"ports":[{"protocol":"TCP","port":80}]},{"from":[{"cidr":"198.18.96.7/32"}],"ports":[{"protocol":"TCP","port":443}]}]""",
            b["ingress"]!.ToJsonString());
        Assert.Equal(2, (long)recommendation["coverage"]!["used"]!);
        Assert.Equal(4, (long)recommendation["explanations"]!.AsArray().Single(e => (string?)e!["peer"] == $"{Ns}/app=a" && (string?)e["direction"] == "ingress")!["connections"]!);
        Assert.Equal(id, (string?)(await viewer.GetFromJsonAsync<JsonObject>($"/api/v1/recommendations/{id}"))!["id"]);

        var simulation = await (await op.PostAsJsonAsync("/api/v1/simulate", new { recommendation = id })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal((2L, 2L, 0L), ((long)simulation!["flows"]!, (long)simulation["allowed"]!, (long)simulation["denied"]!));
        // Without the outside client's rule, its flow is what enforcing would break.
        var narrower = policies.Select(p => p!.DeepClone()).ToList();
        narrower[1]!["ingress"]!.AsArray().RemoveAt(1);
        var what = await (await op.PostAsJsonAsync("/api/v1/simulate", new { policies = narrower, @namespace = Ns })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal((1L, 1L), ((long)what!["denied"]!, (long)what["newlyDenied"]!));
        Assert.Equal("198.18.96.7", (string?)what["changedExamples"]![0]!["flow"]!["src"]!["address"]);
        Assert.Equal("deny", (string?)what["changedExamples"]![0]!["simulated"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsync($"/api/v1/recommendations/{id}/provision", null)).StatusCode);
        using var provision = await Http.PostAsync($"/api/v1/recommendations/{id}/provision", null);
        Assert.Equal(HttpStatusCode.OK, provision.StatusCode);
        var version = (await provision.Content.ReadFromJsonAsync<JsonObject>())!;
        var number = (long)version["version"]!;
        Assert.Equal(3, version["changes"]!.AsArray().Count);
        Assert.False((bool?)(await Http.GetFromJsonAsync<JsonObject>("/api/v1/policies/rec.rec-api.b"))!["draft"] ?? false);
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PostAsync($"/api/v1/recommendations/{id}/provision", null)).StatusCode);
        var listed = (await viewer.GetFromJsonAsync<JsonArray>("/api/v1/provisions"))!.Single(v => (long)v!["version"]! == number)!;
        Assert.Equal($"recommendation/{id}", (string?)listed["source"]);
        Assert.False(string.IsNullOrEmpty((string?)listed["by"]));

        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsync($"/api/v1/provisions/{number}/revert", null)).StatusCode);
        using var revert = await Http.PostAsync($"/api/v1/provisions/{number}/revert", null);
        Assert.Equal(HttpStatusCode.OK, revert.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/policies/rec.rec-api.b")).StatusCode);
        var audit = (await Http.GetFromJsonAsync<JsonArray>("/api/v1/audit"))!;
        Assert.Contains(audit, e => (string?)e!["kind"] == "recommendation" && (string?)e["id"] == id && ((string?)e["actor"])!.StartsWith("test-operator-", StringComparison.Ordinal));
        Assert.Contains(audit, e => (string?)e!["kind"] == "provision" && (string?)e["id"] == $"{number}" && (string?)e["after"]!["source"] == $"recommendation/{id}");
        Assert.Contains(audit, e => (string?)e!["kind"] == "policy" && (string?)e["id"] == "rec.rec-api.b" && (string?)e["action"] == $"POST /api/v1/provisions/{number}/revert"
            && e["after"] is null && e["before"] is not null);
    }

    [Fact]
    public async Task Provision_StoredDraftsById_ActivatesThem_AndBadIdsAreNamed()
    {
        using (var draft = await Http.PutAsJsonAsync("/api/v1/policies/edited-draft", new
        {
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "edited" } }, ingress = Array.Empty<object>(), draft = true,
        }))
        {
            draft.EnsureSuccessStatusCode();
        }

        using var provision = await Http.PostAsJsonAsync("/api/v1/provisions", new { policyIds = new[] { "edited-draft" } });

        Assert.Equal(HttpStatusCode.OK, provision.StatusCode);
        var version = (await provision.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("policies", (string?)version["source"]);
        Assert.Equal("changed", (string?)version["changes"]![0]!["kind"]);
        Assert.True((bool)version["changes"]![0]!["before"]!["draft"]!);
        var active = (await Http.GetFromJsonAsync<JsonObject>("/api/v1/policies/edited-draft"))!;
        Assert.False((bool?)active["draft"] ?? false);
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/provisions", new { policyIds = new[] { "no-such-policy", "k8s.x.y" } }), "policyIds[0]", "policyIds[1]");
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/provisions", new { }), "policies");
        using var op = await fixture.ClientAsync(ApiRole.Operator);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/v1/provisions", new { policyIds = new[] { "edited-draft" } })).StatusCode);
    }

    [Fact]
    public async Task BadInput_ProblemNamesEachField()
    {
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/recommendations", new
        {
            @namespace = "Not A Namespace", since = "2026-12-06T10:00:00Z", until = "2026-12-06T09:00:00Z", labelKeys = new[] { "app", "bad key!" },
        }), "namespace", "until", "labelKeys[1]");
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/recommendations", new { since = "yesterday" }), "since");
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/recommendations", new { colour = "red" }), "colour");
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/simulate", new { }), "policies");
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/simulate", new { recommendation = "nope" }), "recommendation");
        await AssertFieldsAsync(await Http.PostAsJsonAsync("/api/v1/simulate", new
        {
            policies = new[] { new { id = "x", selector = new { }, ingress = new[] { new { ports = new[] { new { protocol = "TCP", port = 70000 } } } } } },
            examples = 1000,
        }), "examples", "policies[0].ingress[0].ports[0].port");
        await AssertFieldsAsync(await Http.PostAsync("/api/v1/provisions/abc/revert", null), "version");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync("/api/v1/provisions/987654321/revert", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/recommendations/r-missing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync("/api/v1/recommendations/r-missing/provision", null)).StatusCode);
    }

    private static async Task AssertFieldsAsync(HttpResponseMessage response, params string[] fields)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var named = (await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!.AsArray().Select(e => (string)e!["field"]!).ToList();
            Assert.Equal(fields.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
        }
    }
}
