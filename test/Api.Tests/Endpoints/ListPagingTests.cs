using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Endpoints;

/// <summary>?limit= and ?cursor= on GET /api/v1/workloads and /api/v1/policies: pages as {items, next}, the plain array without limit.</summary>
[Collection(ApiCollection.Name)]
public sealed class ListPagingTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Workloads_PagedByLimitAndCursor_ReturnEveryWorkloadOnceInIdOrder()
    {
        foreach (var id in new[] { "page-w3", "page-w1", "page-w2" })
            Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/workloads", WorkloadEndpointsTests.Workload(id))).StatusCode);

        var all = await Http.GetFromJsonAsync<JsonArray>("/api/v1/workloads");
        var paged = await ReadAllPagesAsync("/api/v1/workloads", limit: 2);

        Assert.Equal(all!.Select(w => (string)w!["id"]!).ToList(), paged);
        Assert.Equal(paged.Order(StringComparer.Ordinal).ToList(), paged);
        Assert.Contains("page-w2", paged);
    }

    [Fact]
    public async Task Workloads_CursorAfterARemovedWorkload_ContinuesWithTheNextId()
    {
        foreach (var id in new[] { "page-gap-a", "page-gap-b", "page-gap-c" })
            Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/workloads", WorkloadEndpointsTests.Workload(id))).StatusCode);
        var ids = (await Http.GetFromJsonAsync<JsonArray>("/api/v1/workloads"))!.Select(w => (string)w!["id"]!).ToList();
        var before = ids.IndexOf("page-gap-b");

        // A page ending at page-gap-b; removing it afterwards must not make the next page skip or repeat anything.
        var first = (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/workloads?limit={before + 1}"))!;
        Assert.Equal("page-gap-b", (string)first["items"]!.AsArray().Last()!["id"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/api/v1/workloads/page-gap-b")).StatusCode);
        var next = (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/workloads?limit=1&cursor={(string)first["next"]!}"))!;
        Assert.Equal("page-gap-c", (string)next["items"]!.AsArray().Single()!["id"]!);
    }

    [Fact]
    public async Task Policies_PagedByLimitAndCursor_ReturnEveryPolicyOnceAndNextIsNullOnTheLastPage()
    {
        foreach (var id in new[] { "page-p2", "page-p1", "page-p3" })
        {
            var policy = new { id, selector = new { matchLabels = new Dictionary<string, string> { ["app"] = id } }, ingress = Array.Empty<object>() };
            Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/policies", policy)).StatusCode);
        }

        var all = (await Http.GetFromJsonAsync<JsonArray>("/api/v1/policies"))!.Select(p => (string)p!["id"]!).ToList();
        Assert.Equal(all, await ReadAllPagesAsync("/api/v1/policies", limit: 1));

        // The largest pages (other tests of this silo may have stored more than one page of policies): the last one
        // says so with an explicit null.
        var seen = 0;
        JsonObject page;
        string? cursor = null;
        do
        {
            page = (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/policies?limit=1000{(cursor is null ? "" : $"&cursor={cursor}")}"))!;
            seen += page["items"]!.AsArray().Count;
            cursor = (string?)page["next"];
        }
        while (cursor is not null);
        Assert.Equal(all.Count, seen);
        Assert.True(page.ContainsKey("next"));
        Assert.Null(page["next"]);
    }

    [Theory]
    [InlineData("/api/v1/workloads?limit=0", "limit")]
    [InlineData("/api/v1/workloads?limit=1001", "limit")]
    [InlineData("/api/v1/workloads?limit=ten", "limit")]
    [InlineData("/api/v1/workloads?limit=5&cursor=not-a-cursor", "cursor")]
    [InlineData("/api/v1/policies?limit=-1", "limit")]
    [InlineData("/api/v1/policies?limit=5&limit=6", "limit")]
    [InlineData("/api/v1/policies?limit=5&cursor=%21%21", "cursor")]
    public async Task BadPagingParameters_Answer400NamingTheField(string path, string field)
    {
        using var response = await Http.GetAsync(path);
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task CursorWithoutLimit_Answers400NamingCursor()
    {
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/workloads", WorkloadEndpointsTests.Workload("page-nolimit-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsJsonAsync("/api/v1/workloads", WorkloadEndpointsTests.Workload("page-nolimit-2"))).StatusCode);
        var cursor = (string)(await Http.GetFromJsonAsync<JsonObject>("/api/v1/workloads?limit=1"))!["next"]!;

        using var response = await Http.GetAsync($"/api/v1/workloads?cursor={cursor}");
        await WorkloadEndpointsTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "cursor");
    }

    [Theory]
    [InlineData("/api/v1/workloads")]
    [InlineData("/api/v1/policies")]
    public async Task OpenApiDocument_ListsLimitAndCursor(string path)
    {
        var document = (await Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var names = document["paths"]![path]!["get"]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.Contains("limit", names);
        Assert.Contains("cursor", names);
    }

    private async Task<List<string>> ReadAllPagesAsync(string path, int limit)
    {
        var ids = new List<string>();
        for (string? cursor = null; ;)
        {
            var page = (await Http.GetFromJsonAsync<JsonObject>(cursor is null ? $"{path}?limit={limit}" : $"{path}?limit={limit}&cursor={cursor}"))!;
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, limit);
            ids.AddRange(items.Select(i => (string)i!["id"]!));
            cursor = (string?)page["next"];
            if (cursor is null)
                return ids;
        }
    }
}
