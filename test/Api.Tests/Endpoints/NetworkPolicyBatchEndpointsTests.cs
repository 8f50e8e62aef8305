using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

/// <summary>POST /api/v1/networkpolicies with many documents: one batch, all or nothing.</summary>
[Collection(ApiCollection.Name)]
public sealed class NetworkPolicyBatchEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    /// <summary>YAML of <paramref name="count"/> NetworkPolicies np-0.. in <paramref name="ns"/>; np-i admits app=client-i to app=server-i on <paramref name="port"/>(i), 1000 + i by default.</summary>
    internal static string Documents(string ns, int count, Func<int, string>? port = null) => string.Join("---\n", Enumerable.Range(0, count).Select(i => $"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: np-{i}
          namespace: {ns}
        spec:
          podSelector:
            matchLabels:
              app: server-{i}
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  app: client-{i}
            ports:
            - protocol: TCP
              port: {port?.Invoke(i) ?? (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)}

        """));

    [Fact]
    public async Task Post_InvalidDocumentInTheMiddle_400NamesIndexAndFieldAndWritesNothing()
    {
        var ns = $"mid-{Guid.NewGuid():N}"[..12];
        var yaml = Documents(ns, 1500, i => i == 1234 ? "99999" : $"{1000 + i}");

        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        var problem = await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "documents[1234].spec.ingress[0].ports[0].port");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Single(problem["errors"]!.AsArray());
        Assert.Empty((await Http.GetFromJsonAsync<JsonArray>($"/api/v1/networkpolicies/{ns}"))!);
        foreach (var i in new[] { 0, 1233, 1235, 1499 })
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/networkpolicies/{ns}/np-{i}")).StatusCode);
    }

    [Fact]
    public async Task Post_BadYamlInALaterDocument_400AndWritesNothing()
    {
        var ns = $"yml-{Guid.NewGuid():N}"[..12];
        var yaml = Documents(ns, 3) + "---\nkind: [unclosed\n";

        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        Assert.Empty((await Http.GetFromJsonAsync<JsonArray>($"/api/v1/networkpolicies/{ns}"))!);
    }

    [Fact]
    public async Task Post_ManyDocuments_AppliesEveryOneBeforeAnswering()
    {
        var ns = $"many-{Guid.NewGuid():N}"[..12];

        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(Documents(ns, 2500), Encoding.UTF8, "application/yaml"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var applied = JsonNode.Parse(text)!.AsArray();
        Assert.Equal(2500, applied.Count);
        Assert.All(applied, a => Assert.Equal("created", a!["result"]!.GetValue<string>()));
        Assert.Equal($"k8s.{ns}.np-1700", applied[1700]!["policyId"]!.GetValue<string>());
        // 200 means applied: the list, the single reads and the native policies all show the whole batch.
        Assert.Equal(2500, (await Http.GetFromJsonAsync<JsonArray>($"/api/v1/networkpolicies/{ns}"))!.Count);
        foreach (var i in new[] { 0, 999, 1000, 2499 })
        {
            var doc = await Http.GetFromJsonAsync<JsonObject>($"/api/v1/networkpolicies/{ns}/np-{i}");
            Assert.Equal(1000 + i, doc!["spec"]!["ingress"]![0]!["ports"]![0]!["port"]!.GetValue<int>());
            Assert.Equal(ns, (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/policies/k8s.{ns}.np-{i}"))!["namespace"]!.GetValue<string>());
        }

        var again = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(Documents(ns, 2), Encoding.UTF8, "application/yaml"));
        Assert.All(JsonNode.Parse(await again.Content.ReadAsStringAsync())!.AsArray(), a => Assert.Equal("configured", a!["result"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Post_SameNameTwice_400NamesTheSecondAndWritesNothing()
    {
        var ns = $"dup-{Guid.NewGuid():N}"[..12];
        var yaml = Documents(ns, 2) + "---\n" + Documents(ns, 1);

        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "documents[2].metadata.name");
        Assert.Empty((await Http.GetFromJsonAsync<JsonArray>($"/api/v1/networkpolicies/{ns}"))!);
    }
}
