using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

[Collection(ApiCollection.Name)]
public sealed class NetworkPolicyEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    private const string TwoPolicies = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: db-from-api
          namespace: shop
          labels: {owner: team-a}
        spec:
          podSelector:
            matchLabels: {app: db}
          policyTypes: [Ingress]
          ingress:
          - from:
            - podSelector:
                matchLabels: {app: api}
            ports:
            - protocol: TCP
              port: 5432
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: web-named
          namespace: shop
        spec:
          podSelector: {}
          ingress:
          - ports:
            - port: http
        """;

    [Fact]
    public async Task Post_YamlWithTwoDocuments_AppliesBothAndReadsThemBack()
    {
        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(TwoPolicies, Encoding.UTF8, "application/yaml"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var applied = JsonNode.Parse(text)!.AsArray();
        Assert.Equal(["k8s.shop.db-from-api", "k8s.shop.web-named"], applied.Select(a => a!["policyId"]!.GetValue<string>()));
        Assert.All(applied, a => Assert.Equal("created", a!["result"]!.GetValue<string>()));

        var doc = await Http.GetFromJsonAsync<JsonObject>("/api/v1/networkpolicies/shop/db-from-api");
        Assert.Equal(5432, doc!["spec"]!["ingress"]![0]!["ports"]![0]!["port"]!.GetValue<int>());
        Assert.Equal("team-a", doc["metadata"]!["labels"]!["owner"]!.GetValue<string>());
        var named = await Http.GetFromJsonAsync<JsonObject>("/api/v1/networkpolicies/shop/web-named");
        Assert.Equal("http", named!["spec"]!["ingress"]![0]!["ports"]![0]!["port"]!.GetValue<string>());

        var policy = await Http.GetFromJsonAsync<JsonObject>("/api/v1/policies/k8s.shop.db-from-api");
        Assert.Equal("shop", policy!["namespace"]!.GetValue<string>());

        var again = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(TwoPolicies, Encoding.UTF8, "application/yaml"));
        var reapplied = JsonNode.Parse(await again.Content.ReadAsStringAsync())!.AsArray();
        Assert.All(reapplied, a => Assert.Equal("configured", a!["result"]!.GetValue<string>()));

        var list = await Http.GetFromJsonAsync<JsonArray>("/api/v1/networkpolicies/shop");
        Assert.Equal(2, list!.Count);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/api/v1/networkpolicies/shop/web-named")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/networkpolicies/shop/web-named")).StatusCode);
    }

    [Fact]
    public async Task Post_OneInvalidDocument_RejectsAllAndAppliesNothing()
    {
        var yaml = TwoPolicies.Replace("shop", "strict", StringComparison.Ordinal).Replace("port: http", "port: HTTP_BAD", StringComparison.Ordinal);
        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "documents[1].spec.ingress[0].ports[0].port");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/networkpolicies/strict/db-from-api")).StatusCode);
    }

    [Fact]
    public async Task Post_UnknownSpecField_IsRejectedByName()
    {
        const string yaml = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: typo}\nspec:\n  podSelector: {}\n  ingres: []\n";
        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "documents[0].spec.ingres");
    }

    [Fact]
    public async Task Post_MalformedYaml_NamesTheLine()
    {
        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent("kind: [unclosed\n", Encoding.UTF8, "application/yaml"));
        var problem = await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        Assert.Contains("line", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespaces_PutGetList_CarryTheNameLabel()
    {
        var put = await Http.PutAsJsonAsync("/api/v1/namespaces/team-x", new { labels = new Dictionary<string, string> { ["team"] = "x" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var ns = await Http.GetFromJsonAsync<JsonObject>("/api/v1/namespaces/team-x");
        Assert.Equal("x", ns!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("team-x", ns["labels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());

        var bad = await Http.PutAsJsonAsync("/api/v1/namespaces/team-x", new { labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "other" } });
        await WorkloadEndpointsTests.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "labels.kubernetes.io/metadata.name");
        var conflict = await Http.PostAsJsonAsync("/api/v1/namespaces", new { name = "team-x" });
        await WorkloadEndpointsTests.AssertProblemAsync(conflict, HttpStatusCode.Conflict, null);
    }
}
