using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

/// <summary>GET /api/v1/why explains a connection's verdict from the nodes' effective rules, naming the deciding policy rule.</summary>
[Collection(ApiCollection.Name)]
public sealed class WhyEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    private async Task SetUpAsync(string prefix, int net)
    {
        foreach (var (name, i) in new[] { ("a", 1), ("b", 2), ("c", 3) })
        {
            var workload = new
            {
                node = $"{prefix}-node",
                @interface = $"{prefix}-{name}",
                addresses = new[] { $"198.19.{net}.{i}" },
                labels = new Dictionary<string, string> { ["app"] = $"{prefix}-{name}" },
            };
            (await Http.PutAsJsonAsync($"/api/v1/workloads/{prefix}-{name}", workload)).EnsureSuccessStatusCode();
        }
        var policy = JsonNode.Parse("""
            {"id": "P-b-accepts-a", "selector": {"matchLabels": {"app": "P-b"}},
             "ingress": [{"from": [{"selector": {"matchLabels": {"app": "P-a"}}}], "ports": [{"protocol": "TCP", "port": 80}]}]}
            """.Replace("P-", prefix + "-", StringComparison.Ordinal));
        (await Http.PutAsJsonAsync($"/api/v1/policies/{prefix}-b-accepts-a", policy)).EnsureSuccessStatusCode();
    }

    private async Task<JsonObject> WhyAsync(string query)
    {
        using var response = await Http.GetAsync($"/api/v1/why?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    [Fact]
    public async Task Why_AllowedByPolicy_NamesTheDecidingRule()
    {
        await SetUpAsync("why1", 61);
        var answer = await WhyAsync("src=why1-a&dst=why1-b&port=80&protocol=TCP");

        Assert.Equal("allowed", answer["verdict"]!.GetValue<string>());
        Assert.Equal("policy-allow", answer["ingress"]!["reason"]!.GetValue<string>());
        Assert.Equal("why1-b-accepts-a", answer["ingress"]!["policy"]!.GetValue<string>());
        Assert.StartsWith("why1-b-accepts-a/ingress/", answer["ingress"]!["rule"]!.GetValue<string>());
        Assert.Equal("default-allow", answer["egress"]!["reason"]!.GetValue<string>());
        Assert.Contains("why1-b-accepts-a", answer["summary"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("src=why2-c&dst=why2-b&port=80&protocol=TCP")]
    [InlineData("src=why2-a&dst=why2-b&port=81&protocol=tcp")]
    [InlineData("src=198.19.62.3&dst=198.19.62.2&port=80")]
    [InlineData("src=why2-a&dst=why2-b&port=80&protocol=UDP")]
    public async Task Why_NotAllowedToIsolatedWorkload_IsDefaultDeny(string query)
    {
        await SetUpAsync("why2", 62);
        var answer = await WhyAsync(query);

        Assert.Equal("denied", answer["verdict"]!.GetValue<string>());
        Assert.Equal("default-deny", answer["ingress"]!["reason"]!.GetValue<string>());
        Assert.Null(answer["ingress"]!["rule"]);
        Assert.Equal("why2-b", answer["destination"]!["workload"]!.GetValue<string>());
    }

    [Fact]
    public async Task Why_DenyPolicy_BeatsAllow()
    {
        await SetUpAsync("why3", 63);
        var deny = JsonNode.Parse("""
            {"id": "why3-no-a", "selector": {"matchLabels": {"app": "why3-b"}}, "action": "deny",
             "ingress": [{"from": [{"selector": {"matchLabels": {"app": "why3-a"}}}]}]}
            """);
        (await Http.PostAsJsonAsync("/api/v1/policies", deny)).EnsureSuccessStatusCode();

        var answer = await WhyAsync("src=why3-a&dst=why3-b&port=80");

        Assert.Equal("denied", answer["verdict"]!.GetValue<string>());
        Assert.Equal("policy-deny", answer["ingress"]!["reason"]!.GetValue<string>());
        Assert.Equal("why3-no-a", answer["ingress"]!["policy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Why_BadInput_ProblemNamesEveryField()
    {
        using var response = await Http.GetAsync("/api/v1/why?src=nope-nothing&protocol=GRE");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var fields = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
        Assert.Contains("protocol", fields);
        Assert.Contains("dst", fields);
    }
}
