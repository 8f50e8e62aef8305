using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Security;

/// <summary>Rules that keep what is enforced visible and bounded: reserved ids, stated selectors, per-object limits.</summary>
[Collection(ApiCollection.Name)]
public sealed class InputRulesTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task NativePolicyWithK8sId_Answers400_AndChangesNothing()
    {
        var put = await Http.PutAsJsonAsync("/api/v1/policies/k8s.shop.hidden", new { selector = new { }, ingress = Array.Empty<object>() });
        Assert.Equal("id", await FieldAsync(put));
        var post = await Http.PostAsJsonAsync("/api/v1/policies", new { id = "k8s.shop.hidden", selector = new { }, ingress = Array.Empty<object>() });
        Assert.Equal("id", await FieldAsync(post));
        Assert.Equal("id", await FieldAsync(await Http.DeleteAsync("/api/v1/policies/k8s.shop.hidden")));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/policies/k8s.shop.hidden")).StatusCode);
    }

    [Fact]
    public async Task NativePolicyWithoutSelector_Answers400NamingSelector()
    {
        var response = await Http.PutAsJsonAsync("/api/v1/policies/no-selector", new { ingress = Array.Empty<object>() });
        Assert.Equal("selector", await FieldAsync(response));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/policies/no-selector")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsJsonAsync("/api/v1/policies/all-selector", new { selector = new { }, egress = Array.Empty<object>() })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/api/v1/policies/all-selector")).StatusCode);
    }

    [Fact]
    public async Task ObjectsBeyondLimits_Answer400NamingTheList()
    {
        var labels = Enumerable.Range(0, 65).ToDictionary(i => $"k{i}", i => "v");
        Assert.Equal("labels", await FieldAsync(await Http.PutAsJsonAsync("/api/v1/workloads/many-labels",
            new { node = "n", addresses = new[] { "198.18.79.1" }, labels })));
        var addresses = Enumerable.Range(1, 65).Select(i => $"198.18.80.{i}").ToArray();
        Assert.Equal("addresses", await FieldAsync(await Http.PutAsJsonAsync("/api/v1/workloads/many-addresses",
            new { node = "n", addresses, labels = new Dictionary<string, string>() })));
        var rules = Enumerable.Range(0, 257).Select(_ => new { ports = new[] { new { protocol = "TCP", port = 80 } } }).ToArray();
        Assert.Equal("ingress", await FieldAsync(await Http.PutAsJsonAsync("/api/v1/policies/many-rules", new { selector = new { }, ingress = rules })));
        var ports = Enumerable.Range(1, 257).Select(p => new { protocol = "TCP", port = p }).ToArray();
        Assert.Equal("ingress[0].ports", await FieldAsync(await Http.PutAsJsonAsync("/api/v1/policies/many-ports", new { selector = new { }, ingress = new[] { new { ports } } })));
    }

    private static async Task<string> FieldAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["errors"]![0]!["field"]!.GetValue<string>();
    }
}
