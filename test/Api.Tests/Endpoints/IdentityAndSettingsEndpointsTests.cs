using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

[Collection(ApiCollection.Name)]
public sealed class IdentityAndSettingsEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Identities_FollowLabels_AndAreReleasedWithTheLastHolder()
    {
        await Http.PutAsJsonAsync("/api/v1/workloads/id-1", WorkloadEndpointsTests.Workload("id-1", app: "idtest-old"));
        var first = await IdentityOfAsync("idtest-old");
        Assert.NotNull(first);
        Assert.Equal(["id-1"], first!["holders"]!.AsArray().Select(h => h!.GetValue<string>()));

        await Http.PutAsJsonAsync("/api/v1/workloads/id-1", WorkloadEndpointsTests.Workload("id-1", app: "idtest-new"));
        Assert.Null(await IdentityOfAsync("idtest-old"));
        var second = await IdentityOfAsync("idtest-new");
        Assert.True(second!["identity"]!.GetValue<uint>() > first["identity"]!.GetValue<uint>(), "identity numbers are never reused");

        await Http.DeleteAsync("/api/v1/workloads/id-1");
        Assert.Null(await IdentityOfAsync("idtest-new"));
    }

    [Fact]
    public async Task EnforcementSettings_LabelGroupMode_ReachesTheNodeRules()
    {
        await Http.PutAsJsonAsync("/api/v1/workloads/mode-1", WorkloadEndpointsTests.Workload("mode-1", node: "mode-node", app: "mode-app"));
        var put = await Http.PutAsJsonAsync("/api/v1/settings/enforcement", new
        {
            defaultMode = "protect",
            labelGroups = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "mode-app" } }, mode = "monitor" } },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var rules = await Http.GetFromJsonAsync<JsonObject>("/api/v1/nodes/mode-node/rules");
        Assert.Equal("monitor", rules!["endpoints"]![0]!["mode"]!.GetValue<string>());

        await Http.PutAsJsonAsync("/api/v1/settings/enforcement", new { defaultMode = "protect" });
        rules = await Http.GetFromJsonAsync<JsonObject>("/api/v1/nodes/mode-node/rules");
        Assert.Equal("protect", rules!["endpoints"]![0]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task EnforcementSettings_BadMode_Answers400NamingField()
    {
        var response = await Http.PutAsJsonAsync("/api/v1/settings/enforcement", new
        {
            labelGroups = new[] { new { selector = new { matchExpressions = new[] { new { key = "app", @operator = "Maybe" } } }, mode = "monitor" } },
        });
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "labelGroups[0].selector.matchExpressions[0].operator");
    }

    private async Task<JsonNode?> IdentityOfAsync(string app)
    {
        var all = await Http.GetFromJsonAsync<JsonArray>("/api/v1/identities");
        return all!.FirstOrDefault(i => i!["labels"]!["app"]?.GetValue<string>() == app);
    }
}
