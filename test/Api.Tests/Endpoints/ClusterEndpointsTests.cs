using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

[Collection(ApiCollection.Name)]
public sealed class ClusterEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Get_SingleSilo_TheLocalSiloWithGrainTypeAndMethodTables()
    {
        var put = await Http.PutAsJsonAsync("/api/v1/workloads/cluster-1",
            new { node = "node-a", addresses = new[] { "198.18.51.1" }, labels = new Dictionary<string, string> { ["app"] = "c" } });
        put.EnsureSuccessStatusCode();
        (await Http.GetAsync("/api/v1/workloads/cluster-1")).EnsureSuccessStatusCode();

        var cluster = await Http.GetFromJsonAsync<JsonObject>("/api/v1/cluster");

        Assert.Equal(60, cluster!["windowSeconds"]!.GetValue<double>());
        var silo = Assert.Single(cluster["silos"]!.AsArray())!;
        Assert.Equal("Active", silo["status"]!.GetValue<string>());
        Assert.Null(silo["error"]);
        Assert.True(silo["uptimeSeconds"]!.GetValue<double>() > 0);
        Assert.True(silo["activations"]!.GetValue<int>() >= 1);
        Assert.Contains(cluster["grainTypes"]!.AsArray(), t => t!["grainType"]!.GetValue<string>() == "workload" && t["activations"]!.GetValue<int>() >= 1);
        var get = Assert.Single(cluster["methods"]!.AsArray(), m => m!["grainType"]!.GetValue<string>() == "workload" && m["method"]!.GetValue<string>() == "IWorkloadGrain.GetAsync")!;
        Assert.True(get["calls"]!.GetValue<long>() >= 1);
        Assert.True(get["latencyP99Ms"]!.GetValue<double>() > 0);
        Assert.True(get["callsPerSecond"]!.GetValue<double>() > 0);
    }
}
