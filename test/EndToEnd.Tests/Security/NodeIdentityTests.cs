using System.Security.Cryptography.X509Certificates;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// A process holding node A's agent certificate, connected to a real silo's gateway as a grain client (what a
/// compromised node could do): it reads A's rules, and nothing else; it cannot read B's rules, acknowledge B's
/// revisions, or call any other grain; a credential it forges for B is refused. Real silo process; needs 'make build'.
/// </summary>
public sealed class NodeIdentityTests : LoneSiloGrainClientTests
{
    [Fact]
    public async Task AgentCertificateOfNodeA_ReadsOnlyARules_CannotReadOrAckB_OrCallOtherGrains()
    {
        var (a, b) = ($"id-a-{Guid.NewGuid():N}"[..12], $"id-b-{Guid.NewGuid():N}"[..12]);
        // B has a workload, so its node grain has issued a revision an attacker would like to mark applied.
        await Lone.Api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{b}-w", new
        {
            node = b, addresses = new[] { "198.18.77.1" }, labels = new Dictionary<string, string> { ["app"] = "w" },
        });
        var certificateA = Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", a));
        var certificateB = Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", b));

        var grains = await ConnectAsync(certificateA, () => CallerCredential.Create(certificateA, DateTimeOffset.UtcNow));

        var own = await grains.GetGrain<INodeGrain>(a).GetRulesAsync();
        Assert.Equal(a, own.Node);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => grains.GetGrain<INodeGrain>(b).GetRulesAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => grains.GetGrain<INodeGrain>(b).AcknowledgeAsync(new NodeAck("forged", 1, [], [], null)));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => grains.GetGrain<INodeGrain>(b).GetStatusAsync());
        // Its own node's administrative calls and any other grain are out of reach too.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => grains.GetGrain<INodeGrain>(a).AcceptControlPlaneAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => grains.GetGrain<IWorkloadGrain>($"{b}-w").GetAsync());
        // An acknowledgement of a revision A's node grain never issued is refused by the grain itself.
        var never = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            grains.GetGrain<INodeGrain>(a).AcknowledgeAsync(new NodeAck(own.Epoch, own.Revision + 1_000, [], [], null)));
        Assert.Contains("never issued", never.Message, StringComparison.Ordinal);

        // B's status still says no agent applied anything.
        var nodeB = await Lone.Api.SendOkAsync(HttpMethod.Get, $"/api/v1/nodes/{b}");
        Assert.Null(nodeB!["appliedRevision"]?.GetValue<long?>());
        Assert.False(Lone.Process.HasExited, Lone.Process.Tail());
        GC.KeepAlive(certificateB);
    }

    [Fact]
    public async Task ClientWithoutCredential_OrWithForgedOne_IsRefused()
    {
        var (a, b) = ($"id-a-{Guid.NewGuid():N}"[..12], $"id-b-{Guid.NewGuid():N}"[..12]);
        var certificateA = Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", a));
        var certificateB = Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", b));

        // TLS with a valid certificate, but calls without the signed credential.
        var bare = await ConnectAsync(certificateA, () => null);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => bare.GetGrain<INodeGrain>(a).GetRulesAsync());

        // B's public certificate with A's signature: the signature does not match B's key.
        var forged = await ConnectAsync(certificateA, () =>
        {
            var parts = CallerCredential.Create(certificateA, DateTimeOffset.UtcNow).Split('.');
            parts[1] = System.Buffers.Text.Base64Url.EncodeToString(certificateB.RawData);
            return string.Join('.', parts);
        });
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => forged.GetGrain<INodeGrain>(b).GetRulesAsync());

        // A credential signed long ago (a replay) is refused.
        var stale = await ConnectAsync(certificateA, () => CallerCredential.Create(certificateA, DateTimeOffset.UtcNow - TimeSpan.FromHours(1)));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => stale.GetGrain<INodeGrain>(a).GetRulesAsync());
    }

    [Fact]
    public async Task OperatorCertificate_IsAnAuthenticatedAdminGrainClient()
    {
        var workload = $"op-{Guid.NewGuid():N}"[..12];
        await Lone.Api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{workload}", new
        {
            node = "op-node", addresses = new[] { "198.18.77.2" }, labels = new Dictionary<string, string> { ["app"] = "w" },
        });
        var certificate = Load(ClusterCertificates.Issue(Lone.TlsDirectory, "operator", "alice"), "operator");

        var grains = await ConnectAsync(certificate, () => CallerCredential.Create(certificate, DateTimeOffset.UtcNow));

        var record = await grains.GetGrain<IWorkloadGrain>(workload).GetAsync();
        Assert.Equal("op-node", record?.Spec.Node);
        Assert.Equal("op-node", (await grains.GetGrain<INodeGrain>("op-node").GetRulesAsync()).Node);
    }

    private static X509Certificate2 Load(string directory, string role = "agent") => GrainClients.Load(directory, role);

    private Task<IGrainFactory> ConnectAsync(X509Certificate2 certificate, Func<string?> credential) => Clients.ConnectAsync(certificate, credential);
}
