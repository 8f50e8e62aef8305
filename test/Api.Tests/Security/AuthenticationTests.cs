using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Api.Tests.Security;

[Collection(ApiCollection.Name)]
public sealed class AuthenticationTests(ApiFixture fixture)
{
    /// <summary>Every /api/v1 route, as mapped (so endpoints added later are covered too).</summary>
    private IEnumerable<(string Method, string Path)> ApiRoutes() =>
        fixture.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Fill(e.RoutePattern.RawText!))));

    private static string Fill(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", "x");

    [Fact]
    public async Task EveryApiRoute_WithoutToken_Answers401Problem()
    {
        using var anonymous = fixture.Anonymous();
        var routes = ApiRoutes().ToList();
        Assert.True(routes.Count > 20, $"only {routes.Count} routes found");
        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "GET" or "HEAD" ? null : JsonContent.Create(new { }) };
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without a token");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task UnknownOrRevokedToken_Answers401()
    {
        using var forged = fixture.Anonymous();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "mst_" + new string('A', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/workloads")).StatusCode);

        var created = await fixture.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "revoked-viewer", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var viewer = fixture.Anonymous();
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await created.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/workloads")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Client.DeleteAsync("/api/v1/tokens/revoked-viewer")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/v1/workloads")).StatusCode);
    }

    [Fact]
    public async Task HealthzIsOpen_MetricsNeedsAToken()
    {
        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        using var viewer = await fixture.ClientAsync(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Viewer_ReadsButEveryChangeAnswers403()
    {
        using var viewer = await fixture.ClientAsync(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/workloads")).StatusCode);
        foreach (var (method, path) in ApiRoutes().Where(r => r.Method is not ("GET" or "HEAD") && !r.Path.StartsWith("/api/v1/session", StringComparison.Ordinal)))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
            using var response = await viewer.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"a viewer's {method} {path} answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.GetAsync("/api/v1/workloads/x")).StatusCode);
    }

    [Fact]
    public async Task Operator_ChangesWorkloadsAndNamespaces_NotPoliciesSettingsOrTokens()
    {
        using var op = await fixture.ClientAsync(ApiRole.Operator);
        var workload = new { node = "auth-node", addresses = new[] { "198.18.77.1" }, labels = new Dictionary<string, string> { ["app"] = "auth" } };
        Assert.Equal(HttpStatusCode.OK, (await op.PutAsJsonAsync("/api/v1/workloads/auth-op", workload)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.PutAsJsonAsync("/api/v1/namespaces/auth-op", new { labels = new Dictionary<string, string> { ["team"] = "a" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PutAsJsonAsync("/api/v1/policies/auth-op", new { selector = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PutAsJsonAsync("/api/v1/settings/enforcement", new { defaultMode = "monitor" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/v1/tokens", new { name = "by-operator", role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/v1/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsync("/api/v1/networkpolicies", new StringContent("kind: NetworkPolicy", Encoding.UTF8, "application/yaml"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync("/api/v1/workloads/auth-op")).StatusCode);
    }

    [Fact]
    public async Task EveryChangingRoute_NeedsMoreThanViewer()
    {
        var endpoints = fixture.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true && !e.RoutePattern.RawText.StartsWith("/api/v1/session", StringComparison.Ordinal));
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            Assert.Contains("viewer", policies);
            if (methods.Any(m => m is not ("GET" or "HEAD")))
                Assert.True(policies.Contains("operator") || policies.Contains("admin"), $"{string.Join(',', methods)} {endpoint.RoutePattern.RawText} needs only {string.Join(',', policies)}");
        }
    }

    [Fact]
    public async Task Tokens_CreateListRevoke_NeverShowSecrets()
    {
        var created = await fixture.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci-operator", role = "operator" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        Assert.StartsWith("mst_", secret, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci-operator", role = "viewer" })).StatusCode);
        var bad = await fixture.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "Bad Name", role = "root" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
        Assert.Equal(["name", "role"], errors);

        var list = await fixture.Client.GetStringAsync("/api/v1/tokens");
        Assert.Contains("\"ci-operator\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain("mst_", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Client.DeleteAsync("/api/v1/tokens/ci-operator")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.DeleteAsync("/api/v1/tokens/ci-operator")).StatusCode);
    }

    [Fact]
    public async Task SessionCookie_AuthenticatesReadsOnly()
    {
        using var op = await fixture.ClientAsync(ApiRole.Operator);
        var session = await op.PostAsync("/api/v1/session", null);
        Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        var cookie = session.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var browser = fixture.Anonymous();
        browser.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/workloads")).StatusCode);
        // The same cookie riding on a cross-site change (what CSRF is) authenticates nothing.
        var workload = new { node = "csrf-node", addresses = new[] { "198.18.77.9" }, labels = new Dictionary<string, string>() };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PutAsJsonAsync("/api/v1/workloads/csrf", workload)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.GetAsync("/api/v1/workloads/csrf")).StatusCode);
    }
}
