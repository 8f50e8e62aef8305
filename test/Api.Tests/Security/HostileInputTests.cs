using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroSeg.Api.Tests.Security;

/// <summary>Bodies built to crash or exhaust the silo answer 400 naming the problem, and change nothing.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    /// <summary>Every route that takes a body.</summary>
    public static TheoryData<string, string> BodyRoutes() => new()
    {
        { "POST", "/api/v1/workloads" }, { "PUT", "/api/v1/workloads/deep" },
        { "POST", "/api/v1/policies" }, { "PUT", "/api/v1/policies/deep" },
        { "POST", "/api/v1/namespaces" }, { "PUT", "/api/v1/namespaces/deep" },
        { "PUT", "/api/v1/settings/enforcement" }, { "POST", "/api/v1/tokens" },
        { "POST", "/api/v1/networkpolicies" }, { "PUT", "/api/v1/networkpolicies/default/deep" },
    };

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task JsonNested100kLevels_Answers400AndTheSiloLives(string method, string path)
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(deep, Encoding.UTF8, "application/json") });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var deepObject = "{\"labels\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100_000)) + "1" + new string('}', 100_001);
        response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(deepObject, Encoding.UTF8, "application/json") });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task YamlAliasBomb_Answers400NamingAliases()
    {
        // 342 bytes that expand to 9^9 strings when every alias is copied.
        var bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            bomb.Append($"{level}: &{level} [{string.Join(',', Enumerable.Repeat($"*{previous}", 9))}]\n");
        }
        var problem = await PostYamlAsync(bomb.ToString());
        Assert.Contains("aliases expand to more than", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadYaml() => new()
    {
        { "complex key", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x}\nspec:\n  ? [a, b]\n  : c\n" },
        { "1e400", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x}\nspec: {podSelector: {}, ingress: [{ports: [{port: 1e400}]}]}\n" },
        { "huge integer", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x}\nspec: {podSelector: {}, ingress: [{ports: [{port: 123456789012345678901234567890}]}]}\n" },
        { "depth 65", "a: " + new string('[', 65) + new string(']', 65) + "\n" },
        { "duplicate key", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nkind: List\nmetadata: {name: x}\n" },
        { "unknown alias", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: *nothing\n" },
        { "mapping key", "{[a]: b}\n" },
    };

    [Theory]
    [MemberData(nameof(BadYaml))]
    public async Task YamlThatUsedToAnswer500_Answers400(string what, string yaml)
    {
        var problem = await PostYamlAsync(yaml);
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.GetValue<string>()), what);
    }

    [Fact]
    public async Task TooManyDocuments_Answers400()
    {
        var body = new StringBuilder();
        for (var i = 0; i < 50_001; i++)
            body.Append("---\na: 1\n");
        var problem = await PostYamlAsync(body.ToString());
        Assert.Contains("documents", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextPlainPost_Answers415AndChangesNothing()
    {
        // What a cross-origin page can send without a preflight: a "simple" text/plain POST.
        var body = """{"id":"csrf-policy","selector":{},"ingress":[]}""";
        var response = await Http.PostAsync("/api/v1/policies", new StringContent(body, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var form = await Http.PostAsync("/api/v1/workloads", new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "csrf" }));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/policies/csrf-policy")).StatusCode);
    }

    [Fact]
    public async Task InternalError_ShowsNoExceptionText()
    {
        // An unknown enum value reaches no handler code; a wrong JSON type is a 400 naming the field, not a .NET type.
        var response = await Http.PutAsJsonAsync("/api/v1/settings/enforcement", new { defaultMode = new[] { 1 } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    private async Task<JsonObject> PostYamlAsync(string yaml)
    {
        var response = await Http.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
