using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace MicroSeg.Api.Tests.Security;

/// <summary>JWTs of the configured OIDC issuer work beside MicroSeg tokens, with the role their "roles" claim names.</summary>
[Collection(ApiCollection.Name)]
public sealed class OidcTests(ApiFixture fixture)
{
    [Fact]
    public async Task JwtWithOperatorRole_WritesWorkloads_NotPolicies_AndIsAuditedBySubject()
    {
        using var alice = fixture.JwtClient("alice", new Dictionary<string, object> { ["roles"] = new[] { "operator" } });
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var workload = new { node = "oidc-node", addresses = new[] { "198.18.81.1" }, labels = new Dictionary<string, string> { ["app"] = "oidc" } };
        Assert.Equal(HttpStatusCode.OK, (await alice.PutAsJsonAsync("/api/v1/workloads/oidc-w", workload)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.PutAsJsonAsync("/api/v1/policies/oidc-p", new { selector = new { }, ingress = Array.Empty<object>() })).StatusCode);
        var audit = await fixture.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?since={Uri.EscapeDataString(since.ToString("O"))}");
        Assert.Contains(audit!, e => e!["id"]!.GetValue<string>() == "oidc-w" && e["actor"]!.GetValue<string>() == "oidc:alice");
    }

    [Fact]
    public async Task JwtWithoutRole_IsForbidden_WrongKey_IsUnauthenticated()
    {
        using var norole = fixture.JwtClient("bob", new Dictionary<string, object>());
        Assert.Equal(HttpStatusCode.Forbidden, (await norole.GetAsync("/api/v1/workloads")).StatusCode);
        using var forged = fixture.JwtClient("mallory", new Dictionary<string, object> { ["roles"] = "admin" },
            new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/workloads")).StatusCode);
        using var viewer = fixture.JwtClient("carol", new Dictionary<string, object> { ["roles"] = "viewer" });
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/workloads")).StatusCode);
    }
}
