using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicroSeg.Grains.Interfaces.Access;

namespace MicroSeg.Api.Tests.Endpoints;

[Collection(ApiCollection.Name)]
public sealed class NodeEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Delete_NodeWithWorkload_Conflict_ThenAfterTheWorkloadLeaves_Forgotten()
    {
        (await Http.PutAsJsonAsync("/api/v1/workloads/node-del-1",
            new { node = "node-typo", addresses = new[] { "198.18.52.1" }, labels = new Dictionary<string, string> { ["app"] = "d" } })).EnsureSuccessStatusCode();

        using var refused = await Http.DeleteAsync("/api/v1/nodes/node-typo");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("node 'node-typo'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains((await Http.GetFromJsonAsync<JsonArray>("/api/v1/nodes"))!, n => (string?)n!["name"] == "node-typo");

        (await Http.DeleteAsync("/api/v1/workloads/node-del-1")).EnsureSuccessStatusCode();
        using var removed = await Http.DeleteAsync("/api/v1/nodes/node-typo");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.DoesNotContain((await Http.GetFromJsonAsync<JsonArray>("/api/v1/nodes"))!, n => (string?)n!["name"] == "node-typo");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync("/api/v1/nodes/node-typo")).StatusCode);
    }

    [Fact]
    public async Task Delete_AsOperator_Forbidden_AndBadName_NamesTheField()
    {
        var operatorClient = await fixture.ClientAsync(ApiRole.Operator);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.DeleteAsync("/api/v1/nodes/any-node")).StatusCode);
        using var bad = await Http.DeleteAsync("/api/v1/nodes/Bad_Name");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"field\":\"name\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
