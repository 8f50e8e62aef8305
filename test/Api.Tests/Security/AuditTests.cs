using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MicroSeg.Grains.Interfaces.Access;

namespace MicroSeg.Api.Tests.Security;

/// <summary>Every change through the API is in the audit log: who, when, what, before and after.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditTests(ApiFixture fixture)
{
    [Fact]
    public async Task WorkloadCreateReplaceDelete_AreAuditedWithActorBeforeAndAfter()
    {
        using var op = await fixture.ClientAsync(ApiRole.Operator);
        var id = $"audit-{Guid.NewGuid():N}"[..20];
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        object Workload(string app) => new { node = "audit-node", addresses = new[] { "198.18.78.1" }, labels = new Dictionary<string, string> { ["app"] = app } };
        Assert.Equal(HttpStatusCode.OK, (await op.PutAsJsonAsync($"/api/v1/workloads/{id}", Workload("one"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.PutAsJsonAsync($"/api/v1/workloads/{id}", Workload("two"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync($"/api/v1/workloads/{id}")).StatusCode);
        // A refused change is not a change.
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PutAsJsonAsync($"/api/v1/policies/{id}", new { selector = new { }, ingress = Array.Empty<object>() })).StatusCode);

        var entries = (await fixture.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?since={Uri.EscapeDataString(since.ToString("O"))}"))!
            .Where(e => e!["id"]!.GetValue<string>() == id).ToList();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.StartsWith("test-operator-", e!["actor"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Equal("workload", e!["kind"]!.GetValue<string>()));
        Assert.Null(entries[0]!["before"]);
        Assert.Equal("one", entries[0]!["after"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("one", entries[1]!["before"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("two", entries[1]!["after"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal($"DELETE /api/v1/workloads/{id}", entries[2]!["action"]!.GetValue<string>());
        Assert.Equal("two", entries[2]!["before"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Null(entries[2]!["after"]);
    }

    [Fact]
    public async Task NetworkPolicyBatchAndSettings_AreAudited()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ns = $"audit{Guid.NewGuid():N}"[..16];
        var yaml = $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: a, namespace: {ns}}}\nspec: {{podSelector: {{}}}}\n---\n"
            + $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: b, namespace: {ns}}}\nspec: {{podSelector: {{}}}}\n";
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.PostAsync("/api/v1/networkpolicies", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).StatusCode);
        var settings = await fixture.Client.GetFromJsonAsync<JsonObject>("/api/v1/settings/enforcement");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.PutAsJsonAsync("/api/v1/settings/enforcement", settings)).StatusCode);

        var entries = (await fixture.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?since={Uri.EscapeDataString(since.ToString("O"))}"))!;
        var imported = entries.Where(e => e!["id"]!.GetValue<string>().StartsWith($"k8s.{ns}.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, imported.Count);
        Assert.Equal("a", imported[0]!["after"]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Contains(entries, e => e!["kind"]!.GetValue<string>() == "settings" && e["before"] is not null && e["after"] is not null);
    }

    [Fact]
    public async Task Audit_IsForAdminsOnly_AndBoundsItsPeriod()
    {
        using var viewer = await fixture.ClientAsync(ApiRole.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/audit")).StatusCode);
        var tooLong = await fixture.Client.GetAsync($"/api/v1/audit?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-3).ToString("O"))}");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }
}
