using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

/// <summary>One address, one workload: a second claimant gets 409 naming the holder; moving an address is explicit.</summary>
[Collection(ApiCollection.Name)]
public sealed class WorkloadAddressEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Put_AddressHeldByAnother_Answers409NamingHolderAndChangesNothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/workloads/held-a", Workload("held-a", "198.18.70.1", "a"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/workloads/held-b", Workload("held-b", "198.18.70.2", "b"))).StatusCode);

        // Another spelling of the same address is the same address.
        var response = await Http.PutAsJsonAsync("/api/v1/workloads/held-b", Workload("held-b", "::ffff:198.18.70.1", "b"));
        var problem = await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.Conflict, "addresses[0]");
        Assert.Equal("held-a", problem["holder"]!.GetValue<string>());
        Assert.Contains("'held-a'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var created = await Http.PostAsJsonAsync("/api/v1/workloads", Workload("held-c", "198.18.70.1", "c"));
        Assert.Equal("held-a", (await WorkloadEndpointsTests.AssertProblemAsync(created, HttpStatusCode.Conflict, "addresses[0]"))["holder"]!.GetValue<string>());

        var b = await Http.GetFromJsonAsync<JsonObject>("/api/v1/workloads/held-b");
        Assert.Equal(["198.18.70.2"], b!["addresses"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/workloads/held-c")).StatusCode);
    }

    [Fact]
    public async Task Put_AfterHolderGaveTheAddressUpOrWasDeleted_Succeeds()
    {
        await Http.PutAsJsonAsync("/api/v1/workloads/move-a", Workload("move-a", "198.18.71.1", "a"));
        Assert.Equal(HttpStatusCode.Conflict, (await Http.PutAsJsonAsync("/api/v1/workloads/move-b", Workload("move-b", "198.18.71.1", "b"))).StatusCode);

        // The holder moves to another address: the old one is free.
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/workloads/move-a", Workload("move-a", "198.18.71.2", "a"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/workloads/move-b", Workload("move-b", "198.18.71.1", "b"))).StatusCode);

        // The holder is deleted: its address is free.
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/api/v1/workloads/move-a")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/workloads/move-c", Workload("move-c", "198.18.71.2", "c"))).StatusCode);
    }

    [Fact]
    public async Task Put_ConcurrentClaimsOfOneAddress_ExactlyOneWins()
    {
        var ids = Enumerable.Range(0, 16).Select(i => $"race-{i}").ToList();
        var responses = await Task.WhenAll(ids.Select(id => Http.PutAsJsonAsync($"/api/v1/workloads/{id}", Workload(id, "198.18.72.1", id))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(ids.Count - 1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var all = await Http.GetFromJsonAsync<JsonArray>("/api/v1/workloads");
        Assert.Single(all!, w => w!["addresses"]!.AsArray().Any(a => a!.GetValue<string>() == "198.18.72.1"));
    }

    [Theory]
    [InlineData("010.000.000.001")]
    [InlineData("198.18.073.1")]
    [InlineData("198.18.73")]
    public async Task Put_NonCanonicalIpv4_Answers400NamingTheField(string address)
    {
        var response = await Http.PutAsJsonAsync("/api/v1/workloads/octal-1", Workload("octal-1", address, "o"));
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "addresses[0]");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/workloads/octal-1")).StatusCode);
    }

    [Theory]
    [InlineData("veth\u00001")]
    [InlineData("eth0:1")]
    [InlineData("a/b")]
    [InlineData("sixteen-bytes-xx")]
    public async Task Put_BadInterfaceName_Answers400NamingTheField(string name)
    {
        var body = new { node = "node-a", @interface = name, addresses = new[] { "198.18.74.1" } };
        var response = await Http.PutAsJsonAsync("/api/v1/workloads/iface-1", body);
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "interface");
    }

    [Fact]
    public async Task Post_PolicyWithOctalCidrOrExcept_Answers400NamingTheField()
    {
        var policy = new
        {
            id = "octal-cidr",
            selector = new { },
            egress = new[] { new { to = new[] { new { cidr = "10.0.0.0/8", except = new[] { "10.001.0.0/16" } }, new { cidr = "010.0.0.0/8", except = Array.Empty<string>() } } } },
        };
        var response = await Http.PostAsJsonAsync("/api/v1/policies", policy);
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "egress[0].to[0].except[0]");
        await WorkloadEndpointsTests.AssertProblemAsync(await Http.PostAsJsonAsync("/api/v1/policies", policy), HttpStatusCode.BadRequest, "egress[0].to[1].cidr");
    }

    [Fact]
    public async Task Post_NetworkPolicyWithOctalIpBlock_Answers400NamingTheField()
    {
        const string yaml = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: octal, namespace: octal}
            spec:
              podSelector: {}
              egress:
              - to:
                - ipBlock: {cidr: 192.168.0.0/16, except: [192.168.01.0/24]}
            """;
        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "documents[0].spec.egress[0].to[0].ipBlock.except[0]");
    }

    private static object Workload(string id, string address, string app) => new
    {
        id,
        node = "addr-node",
        @interface = "v-" + id[..Math.Min(id.Length, 10)],
        addresses = new[] { address },
        labels = new Dictionary<string, string> { ["app"] = app },
    };
}
