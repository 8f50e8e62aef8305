using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// Changes an operator's grain client makes through grains (docs/grain-client.md) are in the audit log with the
/// certificate as actor, before and after as the API shows them; API changes are recorded once, by the API; an
/// agent's reads record nothing. Real silo process; needs 'make build'.
/// </summary>
public sealed class GrainClientAuditTests : LoneSiloGrainClientTests
{
    [Fact]
    public async Task OperatorGrainClientChanges_AreAudited_WithTheCertificateAsActor_AndApiChangesOnce()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = $"au-{Guid.NewGuid():N}"[..12];
        await Lone.Api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{id}", new
        {
            node = "audit-node", addresses = new[] { "198.18.78.1" }, labels = new Dictionary<string, string> { ["app"] = "w" },
        });
        using var certificate = GrainClients.Load(ClusterCertificates.Issue(Lone.TlsDirectory, "operator", "alice"), "operator");
        var grains = await Clients.ConnectAsync(certificate);
        using var agentCertificate = GrainClients.Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", "audit-node"));
        var agent = await Clients.ConnectAsync(agentCertificate);

        var workload = grains.GetGrain<IWorkloadGrain>(id);
        var current = (await workload.GetAsync())!;
        await workload.SetAsync(current.Spec with { Labels = new Dictionary<string, string> { ["app"] = "w", ["tier"] = "gold" } });
        var settings = grains.GetGrain<IEnforcementSettingsGrain>(GrainKeys.Cluster);
        await settings.SetAsync(await settings.GetAsync() with { DefaultMode = EnforcementMode.Monitor });
        await workload.DeleteAsync();
        await agent.GetGrain<INodeGrain>("audit-node").GetRulesAsync();

        var entries = (await Lone.Api.SendOkAsync(HttpMethod.Get, $"/api/v1/audit?since={Uri.EscapeDataString(since.ToString("O"))}"))!.AsArray()
            .Select(e => e!.AsObject()).ToList();
        var ofWorkload = entries.Where(e => (string?)e["id"] == id).ToList();
        Assert.Equal(3, ofWorkload.Count);

        // The API's own change, once, by its token.
        var created = ofWorkload[0];
        Assert.Equal($"PUT /api/v1/workloads/{id}", (string?)created["action"]);
        Assert.DoesNotContain("certificate:", (string?)created["actor"], StringComparison.Ordinal);

        var labelled = ofWorkload[1];
        Assert.Equal("certificate:operator/alice", (string?)labelled["actor"]);
        Assert.Equal("grain IWorkloadGrain.SetAsync", (string?)labelled["action"]);
        Assert.Equal("workload", (string?)labelled["kind"]);
        Assert.Null(labelled["before"]!["labels"]!["tier"]);
        Assert.Equal("gold", (string?)labelled["after"]!["labels"]!["tier"]);

        var deleted = ofWorkload[2];
        Assert.Equal("grain IWorkloadGrain.DeleteAsync", (string?)deleted["action"]);
        Assert.Equal("gold", (string?)deleted["before"]!["labels"]!["tier"]);
        Assert.Null(deleted["after"]);

        var mode = Assert.Single(entries, e => (string?)e["kind"] == "settings");
        Assert.Equal("certificate:operator/alice", (string?)mode["actor"]);
        Assert.Equal("monitor", ((string?)mode["after"]!["defaultMode"])?.ToLowerInvariant());

        // Reads (the operator's GetAsync, the agent's rules) are not changes.
        Assert.DoesNotContain(entries, e => ((string?)e["actor"])?.StartsWith("certificate:agent", StringComparison.Ordinal) == true);
        Assert.All(entries, e => Assert.DoesNotContain("GetAsync", (string?)e["action"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task OperatorGrainClientTokenAndHeldStateChanges_AreAudited_WithTheCertificateAsActor()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (name, node) = ($"gt-{Guid.NewGuid():N}"[..12], $"gh-{Guid.NewGuid():N}"[..12]);
        using var certificate = GrainClients.Load(ClusterCertificates.Issue(Lone.TlsDirectory, "operator", "bob"), "operator");
        var grains = await Clients.ConnectAsync(certificate);

        var tokens = grains.GetGrain<IApiTokenGrain>(GrainKeys.Cluster);
        var token = new ApiToken(name, ApiRole.Viewer, DateTimeOffset.UtcNow, "grain-client");
        Assert.True(await tokens.CreateAsync(token, new string('a', 64)));
        // Same name, role and creation: only the secret changes, which no view shows; still a change.
        await tokens.PutBootstrapAsync(token, new string('b', 64));
        Assert.True(await tokens.RevokeAsync(name));
        Assert.False(await tokens.RevokeAsync(name));

        // The node's agent reports that it holds its last state (as after a control-plane loss); the operator accepts it.
        using var agentCertificate = GrainClients.Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", node));
        var agent = await Clients.ConnectAsync(agentCertificate);
        var rules = await agent.GetGrain<INodeGrain>(node).GetRulesAsync();
        var hold = new ControlPlaneHold($"hold-{node}", ControlPlaneHold.StateShrank, "applied-id", "offered-id", 10, 0, rules.Revision, DateTimeOffset.UtcNow);
        await agent.GetGrain<INodeGrain>(node).AcknowledgeAsync(new NodeAck(rules.Epoch, rules.Revision, [], [], null, Hold: hold));
        Assert.Equal(hold.Id, (await grains.GetGrain<INodeGrain>(node).AcceptControlPlaneAsync())?.Id);

        var entries = (await Lone.Api.SendOkAsync(HttpMethod.Get, $"/api/v1/audit?since={Uri.EscapeDataString(since.ToString("O"))}"))!.AsArray()
            .Select(e => e!.AsObject()).ToList();
        var ofToken = entries.Where(e => (string?)e["kind"] == "token" && (string?)e["id"] == name).ToList();
        Assert.Equal(["grain IApiTokenGrain.CreateAsync", "grain IApiTokenGrain.PutBootstrapAsync", "grain IApiTokenGrain.RevokeAsync"],
            ofToken.Select(e => (string?)e["action"]));
        Assert.All(ofToken, e => Assert.Equal("certificate:operator/bob", (string?)e["actor"]));
        Assert.Null(ofToken[0]["before"]);
        Assert.Equal("viewer", (string?)ofToken[0]["after"]!["role"]);
        Assert.Equal("viewer", (string?)ofToken[1]["before"]!["role"]);
        Assert.Null(ofToken[2]["after"]);
        // Secrets and their hashes never reach the log.
        Assert.All(ofToken, e => Assert.DoesNotContain("aaaaaaaa", e.ToJsonString(), StringComparison.Ordinal));

        var accepted = Assert.Single(entries, e => (string?)e["kind"] == "node" && (string?)e["id"] == node);
        Assert.Equal("certificate:operator/bob", (string?)accepted["actor"]);
        Assert.Equal("grain INodeGrain.AcceptControlPlaneAsync", (string?)accepted["action"]);
        Assert.Equal(hold.Id, (string?)accepted["after"]!["acceptedHold"]!["id"]);
        // The agent's acknowledgement is not an operator's change.
        Assert.DoesNotContain(entries, e => ((string?)e["actor"])?.StartsWith("certificate:agent", StringComparison.Ordinal) == true);
    }
}
