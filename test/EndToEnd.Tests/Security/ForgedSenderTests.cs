using System.Reflection;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// A holder of a valid agent certificate whose Orleans client writes a grain's id (or a silo's hosted client's) as the
/// sender of its messages, on a real gateway connection, to pass as a call made inside the cluster: the silo refuses the
/// calls (no cluster proof) and nothing changes. The forged sender is put where Orleans' own client takes it from (its
/// current activation address, through reflection on Orleans' internal client type), so every message after that is
/// written by Orleans itself with that sender. Real silo process; needs 'make build'.
/// </summary>
public sealed class ForgedSenderTests : LoneSiloGrainClientTests
{
    [Fact]
    public async Task AgentClientClaimingAGrainOrHostedClientAsSender_IsRefused_AndChangesNothing()
    {
        var node = $"fs-{Guid.NewGuid():N}"[..12];
        var workload = $"{node}-w";
        await Lone.Api.SendOkAsync(HttpMethod.Put, $"/api/v1/workloads/{workload}", new
        {
            node, addresses = new[] { "198.18.79.1" }, labels = new Dictionary<string, string> { ["app"] = "w" },
        });
        using var certificate = GrainClients.Load(ClusterCertificates.Issue(Lone.TlsDirectory, "agent", node));
        var forgedProof = (string?)null;
        var client = await Clients.ConnectClientAsync(certificate, () => Grains.Interfaces.Access.CallerCredential.Create(certificate, DateTimeOffset.UtcNow),
            builder =>
            {
                // Replies go to the forged sender, not to this client: its calls can only time out.
                builder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(3));
                builder.AddOutgoingGrainCallFilter(context =>
                {
                    if (forgedProof is not null)
                        RequestContext.Set("microseg.cluster", forgedProof);
                    return context.Invoke();
                });
            });

        // The connection and the credential work: as itself, the agent reads its own node's rules.
        Assert.Equal(node, (await client.GetGrain<INodeGrain>(node).GetRulesAsync()).Node);

        var settings = client.GetGrain<IEnforcementSettingsGrain>(GrainKeys.Cluster);
        var grainSender = GrainId.Create("workload", $"forged-{node}");
        ClaimSender(client, grainSender);
        await Assert.ThrowsAnyAsync<Exception>(() => settings.SetAsync(new EnforcementSettings { DefaultMode = EnforcementMode.Monitor }));
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetGrain<IWorkloadGrain>(workload).DeleteAsync());

        // A value of its own under the proof's request-context key does not help.
        forgedProof = Convert.ToBase64String(new byte[32]);
        var guessedSender = GrainId.Create("policy", $"forged-{node}");
        ClaimSender(client, guessedSender);
        await Assert.ThrowsAnyAsync<Exception>(() => settings.SetAsync(new EnforcementSettings { DefaultMode = EnforcementMode.Monitor }));

        // Nor does posing as a silo's hosted client, which runs the REST API.
        forgedProof = null;
        var hostedSender = GrainId.Create("sys.client", $"hosted-{node}");
        Assert.True(hostedSender.IsClient());
        ClaimSender(client, hostedSender);
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetGrain<IWorkloadGrain>(workload).DeleteAsync());

        // Nothing changed: the cluster still protects, the workload is still there.
        var enforcement = await Lone.Api.SendOkAsync(HttpMethod.Get, "/api/v1/settings/enforcement");
        Assert.Equal("protect", ((string?)enforcement!["defaultMode"])?.ToLowerInvariant());
        var kept = await Lone.Api.SendAsync(HttpMethod.Get, $"/api/v1/workloads/{workload}");
        Assert.Equal(System.Net.HttpStatusCode.OK, kept.StatusCode);

        // Each forged call reached the silo's filter and was refused there, naming the sender it claimed.
        await WaitRefusedAsync(grainSender, 2);
        await WaitRefusedAsync(guessedSender, 1);
        await WaitRefusedAsync(hostedSender, 1);
        Assert.False(Lone.Process.HasExited, Lone.Process.Tail());
    }

    /// <summary>Makes Orleans' client write <paramref name="sender"/> as the sender of every message it sends from now on.</summary>
    private static void ClaimSender(IClusterClient client, GrainId sender)
    {
        var runtimeType = typeof(IClusterClient).Assembly.GetType("Orleans.OutsideRuntimeClient", throwOnError: true)!;
        var runtime = client.ServiceProvider.GetRequiredService(runtimeType);
        var address = runtimeType.GetProperty("CurrentActivationAddress", BindingFlags.Instance | BindingFlags.Public)!;
        var current = (GrainAddress)address.GetValue(runtime)!;
        address.SetValue(runtime, new GrainAddress { GrainId = sender, SiloAddress = current.SiloAddress, ActivationId = current.ActivationId });
    }

    private async Task WaitRefusedAsync(GrainId sender, int count)
    {
        var line = $"Refused grain call from {sender} ";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Occurrences(Lone.Process.Output, line) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} refusal(s) of '{sender}' in the silo's log:\n{Lone.Process.Tail()}");
            await Task.Delay(100);
        }
        Assert.Contains("without the cluster's proof", Lone.Process.Output, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
