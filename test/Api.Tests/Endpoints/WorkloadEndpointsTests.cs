using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

[Collection(ApiCollection.Name)]
public sealed class WorkloadEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Post_ValidWorkload_CreatesItWithIdentity()
    {
        var response = await Http.PostAsJsonAsync("/api/v1/workloads", Workload("create-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/workloads/create-1", response.Headers.Location?.ToString());

        var read = await Http.GetFromJsonAsync<JsonObject>("/api/v1/workloads/create-1");
        Assert.Equal("node-a", read!["node"]!.GetValue<string>());
        Assert.Null(read["mode"]);   // not set: inherits its label group's mode or the cluster default
        Assert.True(read["identity"]!.GetValue<uint>() >= 256);
        var list = await Http.GetFromJsonAsync<JsonArray>("/api/v1/workloads");
        Assert.Contains(list!, w => w!["id"]!.GetValue<string>() == "create-1");
    }

    [Fact]
    public async Task Post_ExistingId_Answers409AndKeepsTheOriginal()
    {
        await Http.PostAsJsonAsync("/api/v1/workloads", Workload("dup-1"));
        var response = await Http.PostAsJsonAsync("/api/v1/workloads", Workload("dup-1", node: "node-b"));
        await AssertProblemAsync(response, HttpStatusCode.Conflict, null);
        var read = await Http.GetFromJsonAsync<JsonObject>("/api/v1/workloads/dup-1");
        Assert.Equal("node-a", read!["node"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_BadAddress_Answers400NamingFieldAndCreatesNothing()
    {
        var response = await Http.PostAsJsonAsync("/api/v1/workloads", Workload("bad-addr", address: "198.18.0.300"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "addresses[0]");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/workloads/bad-addr")).StatusCode);
    }

    [Fact]
    public async Task Post_UnknownField_Answers400NamingIt()
    {
        var body = """{"id":"typo-1","node":"node-a","lables":{"app":"x"}}""";
        var response = await Http.PostAsync("/api/v1/workloads", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "lables");
    }

    [Fact]
    public async Task Post_WrongJsonType_Answers400NamingField()
    {
        var body = """{"id":"type-1","node":"node-a","addresses":"198.18.0.1"}""";
        var response = await Http.PostAsync("/api/v1/workloads", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "addresses");
    }

    [Fact]
    public async Task Put_IdDiffersFromUrl_Answers400()
    {
        var response = await Http.PutAsJsonAsync("/api/v1/workloads/put-1", Workload("other"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "id");
    }

    [Fact]
    public async Task Put_Twice_CreatesThenReplaces()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/workloads/put-2", Workload("put-2"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/workloads/put-2", Workload("put-2", node: "node-b"))).StatusCode);
        var read = await Http.GetFromJsonAsync<JsonObject>("/api/v1/workloads/put-2");
        Assert.Equal("node-b", read!["node"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_ThenGet_Answers404()
    {
        await Http.PostAsJsonAsync("/api/v1/workloads", Workload("del-1"));
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/api/v1/workloads/del-1")).StatusCode);
        await AssertProblemAsync(await Http.GetAsync("/api/v1/workloads/del-1"), HttpStatusCode.NotFound, null);
        await AssertProblemAsync(await Http.DeleteAsync("/api/v1/workloads/del-1"), HttpStatusCode.NotFound, null);
    }

    /// <summary>Each workload id of the collection gets an address of its own: two workloads may not share one.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Addresses = new();

    internal static string AddressOf(string id) => Addresses.GetOrAdd(id, _ => $"198.19.{Addresses.Count / 250}.{Addresses.Count % 250 + 1}");

    internal static object Workload(string id, string node = "node-a", string? address = null, string app = "web") => new
    {
        id,
        node,
        @interface = "veth-" + id[..Math.Min(id.Length, 8)],
        addresses = new[] { address ?? AddressOf(id) },
        labels = new Dictionary<string, string> { ["app"] = app },
    };

    internal static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        if (field is not null)
        {
            var errors = problem["errors"]!.AsArray();
            Assert.True(errors.Any(e => e!["field"]!.GetValue<string>() == field), $"no error names '{field}': {text}");
            Assert.Contains(field, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        return problem;
    }
}
