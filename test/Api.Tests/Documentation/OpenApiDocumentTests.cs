using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Documentation;

/// <summary>/openapi/v1.json describes what the handlers read and answer; /api/docs serves the reference page.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture api)
{
    private async Task<JsonObject> DocumentAsync() => (await api.Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

    [Theory]
    [InlineData("/api/v1/policies", "post", "selector")]
    [InlineData("/api/v1/policies/{id}", "put", "ingress")]
    [InlineData("/api/v1/workloads", "post", "addresses")]
    [InlineData("/api/v1/workloads/{id}", "put", "labels")]
    [InlineData("/api/v1/namespaces", "post", "labels")]
    [InlineData("/api/v1/tokens", "post", "role")]
    public async Task Document_WritingOperation_HasJsonRequestBodySchemaAndExample(string path, string method, string property)
    {
        var document = await DocumentAsync();
        var body = document["paths"]![path]![method]!["requestBody"];
        Assert.NotNull(body);
        var json = body!["content"]!["application/json"]!;
        Assert.NotNull(json["example"]);
        Assert.NotNull(json["example"]![property]);
        var schema = Resolve(document, json["schema"]!);
        Assert.NotNull(schema["properties"]![property]);
    }

    [Fact]
    public async Task Document_NetworkPolicyApply_AcceptsYamlWithAnExample()
    {
        var document = await DocumentAsync();
        var content = document["paths"]!["/api/v1/networkpolicies"]!["post"]!["requestBody"]!["content"]!;
        Assert.Contains("kind: NetworkPolicy", content["application/yaml"]!["example"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/workloads", "get", "200", "identity")]
    [InlineData("/api/v1/workloads/{id}", "get", "200", "addresses")]
    [InlineData("/api/v1/policies/{id}", "get", "200", "selector")]
    [InlineData("/api/v1/nodes", "get", "200", "appliedRevision")]
    [InlineData("/api/v1/why", "get", "200", "verdict")]
    [InlineData("/api/v1/flows", "get", "200", "items")]
    [InlineData("/api/v1/topology", "get", "200", "edges")]
    [InlineData("/readyz", "get", "200", "checks")]
    public async Task Document_MainAnswers_HaveExamples(string path, string method, string status, string property)
    {
        var document = await DocumentAsync();
        var example = document["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["example"];
        Assert.NotNull(example);
        var first = example is JsonArray list ? list[0]! : example!;
        Assert.NotNull(first[property]);
    }

    [Theory]
    [InlineData("/api/v1/policies", "post", "400")]
    [InlineData("/api/v1/policies", "post", "409")]
    [InlineData("/api/v1/policies/{id}", "get", "404")]
    [InlineData("/api/v1/workloads", "get", "401")]
    [InlineData("/api/v1/nodes", "get", "503")]
    public async Task Document_Errors_AreProblemJson(string path, string method, string status)
    {
        var document = await DocumentAsync();
        var response = document["paths"]![path]![method]!["responses"]![status];
        Assert.NotNull(response);
        var schema = Resolve(document, response!["content"]!["application/problem+json"]!["schema"]!);
        Assert.NotNull(schema["properties"]!["title"]);
    }

    [Fact]
    public async Task Document_EveryApiOperation_HasAResponseSchemaOrIsEmpty()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(paths);
        foreach (var (path, item) in paths)
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var success = operation!["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')).ToList();
                Assert.True(success.Count > 0, $"{method} {path} documents no success answer");
                var described = success.Any(r => r.Value!["content"] is null || r.Value["content"]!.AsObject().Any(c => c.Value!["schema"] is not null));
                Assert.True(described, $"{method} {path} has a success answer without a schema");
                Assert.NotNull(operation["summary"]);
            }
        }
    }

    [Fact]
    public async Task ApiDocs_ServesTheReferencePageAndItsScript()
    {
        // Open like /openapi/v1.json: reading the reference needs no token, calling the API from it does.
        using var anonymous = api.Anonymous();
        var address = new Uri(anonymous.BaseAddress!, "/api/docs");
        using var first = await anonymous.GetAsync(address);
        // The page may redirect /api/docs to /api/docs/ (a browser follows; the test client does not).
        if (first.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently)
            address = new Uri(address, first.Headers.Location!);
        using var page = first.IsSuccessStatusCode ? first : await anonymous.GetAsync(address);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType!.MediaType);
        // Scalar resolves the document's path against the application's root, as it does for its default route.
        Assert.True(html.Contains("\"url\":\"openapi/v1.json\"", StringComparison.Ordinal), html);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"([^\"]*scalar\\.js)\"");
        Assert.True(script.Success, html);
        var scriptUrl = new Uri(address, script.Groups[1].Value);
        Assert.True(scriptUrl.IsLoopback || scriptUrl.Host == anonymous.BaseAddress!.Host, $"the page loads its script from {scriptUrl}");
        using var js = await anonymous.GetAsync(scriptUrl);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.True((await js.Content.ReadAsByteArrayAsync()).Length > 10_000);
    }

    private static JsonNode Resolve(JsonObject document, JsonNode schema)
    {
        if (schema["$ref"] is { } reference)
            return document["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]]!;
        return schema;
    }
}
